/** fabric-gateway connections from a connection profile (the embedded network's or a loaded connection.json). */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { fabricSigning } from '@acetrace/gateway';
import type { ConnectionProfile } from '@acetrace/network';

export interface Connection {
  readonly name: string;
  readonly gateway: Gateway;
  readonly contract: Contract;
  close(): void;
}

export function loadProfile(path: string): ConnectionProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as ConnectionProfile;
}

export function connectAs(profile: ConnectionProfile, name: string): Connection {
  const id = profile.identities.find((i) => i.name === name);
  const peer = profile.peers.find((p) => p.mspId === id?.mspId);
  if (id === undefined || peer === undefined) throw new Error(`no identity ${name}`);
  const client =
    peer.tlsCaCertPath === undefined
      ? new grpc.Client(peer.endpoint, grpc.credentials.createInsecure())
      : new grpc.Client(peer.endpoint, grpc.credentials.createSsl(readFileSync(peer.tlsCaCertPath)), {
          'grpc.ssl_target_name_override': peer.hostAlias,
          'grpc.max_receive_message_length': 100 * 1024 * 1024,
        });
  const gateway = connect({
    client,
    identity: { mspId: id.mspId, credentials: readFileSync(id.certPath) },
    // the gateway's OpenSSL signer: the benchmark client shares the cores with what it measures
    ...fabricSigning(createPrivateKey(readFileSync(id.keyPath))),
    evaluateOptions: () => ({ deadline: Date.now() + 60_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 120_000 }),
    submitOptions: () => ({ deadline: Date.now() + 60_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 300_000 }),
  });
  return {
    name,
    gateway,
    contract: gateway.getNetwork(profile.channel).getContract(profile.chaincode),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/** The validation code of a failed submit (CommitError.code), or undefined for any other failure. */
export function commitCode(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'CommitError') {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}
