/**
 * The network's crypto material under `<dataDir>/network/`: one CA per organisation, a TLS CA,
 * peer and orderer signing identities, user identities for every role, and the TLS server
 * certificate. Generated on first start, reused afterwards.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROLES } from '@acetrace/chaincode/domain';
import { CertificateAuthority, type NodeOU } from '../msp/ca';
import { sign } from '../msp/ecdsa';
import { serializeIdentity } from '../msp/registry';
import type { PeerSigner } from './ports';

/** The roles the chaincode knows (`acetrace.role`), one user per role in each organisation. */
export const USER_ROLES = ROLES;

/** A stored identity: where its files are, and its PEMs. */
export interface StoredIdentity {
  readonly name: string;
  readonly mspId: string;
  readonly role?: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** An organisation of the channel. */
export interface OrganisationMaterial {
  readonly mspId: string;
  /** e.g. `org1` */
  readonly domainLabel: string;
  readonly ca: CertificateAuthority;
  readonly peer: StoredIdentity;
  readonly users: readonly StoredIdentity[];
}

/** Everything the embedded network signs and verifies with. */
export interface CryptoMaterial {
  readonly orgs: readonly OrganisationMaterial[];
  readonly orderer: StoredIdentity & { readonly ca: CertificateAuthority };
  readonly tlsCa: CertificateAuthority;
  readonly tlsCaCertPath: string;
  readonly tlsServer: { readonly certPem: string; readonly keyPem: string; readonly certPath: string; readonly keyPath: string };
  /** Whether anything was generated on this start. */
  readonly generated: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function loadOrCreateCa(dir: string, mspId: string, commonName: string): Promise<[CertificateAuthority, boolean]> {
  if (await exists(join(dir, 'ca.json'))) {
    return [await CertificateAuthority.load(dir), false];
  }
  const ca = await CertificateAuthority.create(mspId, { commonName });
  await ca.save(dir);
  return [ca, true];
}

async function loadOrIssue(
  dir: string,
  ca: CertificateAuthority,
  name: string,
  options: { readonly role?: string; readonly ou: NodeOU },
): Promise<[StoredIdentity, boolean]> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const base = { name, mspId: ca.mspId, certPath, keyPath, ...(options.role !== undefined ? { role: options.role } : {}) };
  if ((await exists(certPath)) && (await exists(keyPath))) {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return [{ ...base, certPem, keyPem }, false];
  }
  const issued = await ca.issue({ enrollmentId: name, ou: options.ou, ...(options.role !== undefined ? { role: options.role } : {}) });
  await mkdir(dir, { recursive: true });
  await writeFile(certPath, issued.certPem);
  await writeFile(keyPath, issued.keyPem, { mode: 0o600 });
  return [{ ...base, certPem: issued.certPem, keyPem: issued.keyPem }, true];
}

/** Settings for {@link loadCryptoMaterial}. */
export interface CryptoMaterialOptions {
  /** `<dataDir>/network` */
  readonly networkDir: string;
  readonly mspIds: readonly string[];
  /** Host names and addresses the TLS server certificate must cover. */
  readonly tlsHosts: readonly string[];
}

/** Loads the crypto material, generating whatever is missing. */
export async function loadCryptoMaterial(options: CryptoMaterialOptions): Promise<CryptoMaterial> {
  const { networkDir } = options;
  let generated = false;
  const orgs: OrganisationMaterial[] = [];
  for (const mspId of options.mspIds) {
    const domainLabel = mspId.replace(/MSP$/, '').toLowerCase();
    const [ca, newCa] = await loadOrCreateCa(join(networkDir, 'ca', mspId), mspId, `ca.${domainLabel}.acetrace.local`);
    const [peer, newPeer] = await loadOrIssue(join(networkDir, 'identities', mspId, 'peer0'), ca, 'peer0', { ou: 'peer' });
    const users: StoredIdentity[] = [];
    for (const role of USER_ROLES) {
      const name = `${domainLabel}-${role}`;
      const [user, newUser] = await loadOrIssue(join(networkDir, 'identities', mspId, name), ca, name, {
        role,
        ou: role === 'admin' ? 'admin' : 'client',
      });
      users.push(user);
      generated ||= newUser;
    }
    generated ||= newCa || newPeer;
    orgs.push({ mspId, domainLabel, ca, peer, users });
  }
  const [ordererCa, newOrdererCa] = await loadOrCreateCa(
    join(networkDir, 'ca', 'OrdererMSP'),
    'OrdererMSP',
    'ca.orderer.acetrace.local',
  );
  const [orderer, newOrderer] = await loadOrIssue(join(networkDir, 'identities', 'OrdererMSP', 'orderer0'), ordererCa, 'orderer0', {
    ou: 'orderer',
  });
  const [tlsCa, newTlsCa] = await loadOrCreateCa(join(networkDir, 'tlsca'), 'TLSCA', 'tlsca.acetrace.local');
  const tlsServer = await loadOrIssueTlsServer(join(networkDir, 'tls'), tlsCa, options.tlsHosts, newTlsCa);
  generated ||= newOrdererCa || newOrderer || newTlsCa || tlsServer.generated;
  return {
    orgs,
    orderer: { ...orderer, ca: ordererCa },
    tlsCa,
    tlsCaCertPath: join(networkDir, 'tlsca', 'ca-cert.pem'),
    tlsServer,
    generated,
  };
}

/** The server certificate is reissued when the TLS CA is new or the host list changed. */
async function loadOrIssueTlsServer(
  dir: string,
  tlsCa: CertificateAuthority,
  hosts: readonly string[],
  force: boolean,
): Promise<{ certPem: string; keyPem: string; certPath: string; keyPath: string; generated: boolean }> {
  const certPath = join(dir, 'server-cert.pem');
  const keyPath = join(dir, 'server-key.pem');
  const hostsPath = join(dir, 'hosts.json');
  const wanted = [...new Set(hosts)].sort();
  if (!force && (await exists(certPath)) && (await exists(keyPath)) && (await exists(hostsPath))) {
    const stored = JSON.parse(await readFile(hostsPath, 'utf8')) as string[];
    if (JSON.stringify(stored) === JSON.stringify(wanted)) {
      const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
      return { certPem, keyPem, certPath, keyPath, generated: false };
    }
  }
  const [first = 'localhost', ...rest] = hosts;
  const issued = await tlsCa.issueTlsServer({ commonName: first, hosts: rest });
  await mkdir(dir, { recursive: true });
  await writeFile(certPath, issued.certPem);
  await writeFile(keyPath, issued.keyPem, { mode: 0o600 });
  await writeFile(hostsPath, JSON.stringify(wanted) + '\n');
  return { ...issued, certPath, keyPath, generated: true };
}

/** A signer over a stored identity (ECDSA-SHA256, low S). */
export function newSigner(identity: { readonly mspId: string; readonly certPem: string; readonly keyPem: string }): PeerSigner {
  const key: KeyObject = createPrivateKey(identity.keyPem);
  return {
    mspId: identity.mspId,
    serializedIdentity: serializeIdentity(identity.mspId, identity.certPem),
    sign: (message) => sign(key, message),
  };
}
