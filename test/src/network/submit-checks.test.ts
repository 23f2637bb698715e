/**
 * Submit runs the orderer's Broadcast checks before ordering (fab orderer/common/msgprocessor):
 * an envelope whose signature does not verify, or whose creator is no channel Writer, is refused
 * with the peer gateway's "received unsuccessful response from orderer" error and never ordered.
 * Envelopes are sent through a raw gRPC client, as a hostile client would.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { GatewayError, signers, type Signer, type SubmitError } from '@hyperledger/fabric-gateway';
import { common, gateway, msp, peer } from '@hyperledger/fabric-protos';
import { CHANNEL, SuiteNetwork, grpcClientFor, lotInput } from './helpers';

const FORBIDDEN_INFO =
  "implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied: permission denied";
const FORBIDDEN = `received unsuccessful response from orderer: status=FORBIDDEN, info=${FORBIDDEN_INFO}`;

function submitRaw(client: grpc.Client, txId: string, envelope: common.Envelope): Promise<grpc.ServiceError | undefined> {
  const request = new gateway.SubmitRequest();
  request.setTransactionId(txId);
  request.setChannelId(CHANNEL);
  request.setPreparedTransaction(envelope);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/gateway.Gateway/Submit',
      (r: gateway.SubmitRequest) => Buffer.from(r.serializeBinary()),
      (b: Buffer) => gateway.SubmitResponse.deserializeBinary(b),
      request,
      { deadline: Date.now() + 10_000 },
      (err) => {
        resolve(err ?? undefined);
      },
    );
  });
}

describe('embedded network: Submit checks the envelope before ordering', function () {
  this.timeout(60_000);
  const nw = new SuiteNetwork();
  let raw: grpc.Client;

  before(async () => {
    await nw.start();
    raw = grpcClientFor(nw.net);
  });

  after(async () => {
    raw.close();
    await nw.stop();
  });

  /** An endorsed, correctly signed envelope of a fresh RegisterLot (not submitted). */
  async function endorsed(lotId: string): Promise<{ txId: string; envelope: common.Envelope; digest: Uint8Array }> {
    const tx = await nw.supplier.contract.newProposal('RegisterLot', { arguments: [JSON.stringify(lotInput(lotId))] }).endorse();
    const envelope = gateway.PreparedTransaction.deserializeBinary(tx.getBytes()).getEnvelope();
    if (envelope === undefined) throw new Error('no envelope');
    return { txId: tx.getTransactionId(), envelope, digest: tx.getDigest() };
  }

  function signerOf(name: string): Signer {
    const id = nw.net.connection.identities.find((i) => i.name === name);
    if (id === undefined) throw new Error(`no identity ${name}`);
    return signers.newPrivateKeySigner(createPrivateKey(readFileSync(id.keyPath)));
  }

  async function expectNeverOrdered(txId: string): Promise<void> {
    const height = nw.net.height();
    await nw.net.flush();
    expect(nw.net.height()).to.equal(height);
    const qscc = nw.supplier.gateway.getNetwork(CHANNEL).getContract('qscc');
    const lookup = await qscc.evaluateTransaction('GetTransactionByID', CHANNEL, txId).catch((e: unknown) => e);
    expect(String((lookup as Error).message)).to.contain(`no such transaction ID [${txId}] in index`);
  }

  it('refuses an envelope whose payload was changed after signing: 10 ABORTED, status=FORBIDDEN', async () => {
    const { txId, envelope, digest } = await endorsed('LOT-TAMPER');
    envelope.setSignature(await signerOf('org1-supplier')(digest));
    const payload = Buffer.from(envelope.getPayload_asU8());
    payload[payload.length - 1] = (payload[payload.length - 1] ?? 0) ^ 0x01;
    envelope.setPayload(payload);
    const err = await submitRaw(raw, txId, envelope);
    expect(err?.code).to.equal(grpc.status.ABORTED);
    expect(err?.details).to.equal(FORBIDDEN);
    await expectNeverOrdered(txId);
  });

  it('refuses an envelope signed by someone other than its creator (through fabric-gateway: SubmitError)', async () => {
    const tx = await nw.supplier.contract.newProposal('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-FORGED'))] }).endorse();
    const forged = nw.supplier.gateway.newSignedTransaction(tx.getBytes(), await signerOf('org1-broker')(tx.getDigest()));
    const err = (await forged.submit().catch((e: unknown) => e)) as SubmitError;
    expect(err).to.be.instanceOf(GatewayError);
    expect(err.name).to.equal('SubmitError');
    expect(err.transactionId).to.equal(tx.getTransactionId());
    expect(err.code).to.equal(grpc.status.ABORTED);
    expect(err.message).to.equal(`10 ABORTED: ${FORBIDDEN}`);
    await expectNeverOrdered(tx.getTransactionId());
  });

  it('refuses a creator that is no channel Writer (a peer identity) although its signature is valid', async () => {
    const { txId, envelope } = await endorsed('LOT-PEER-SIGNED');
    const peerDir = join(nw.net.networkDir, 'identities', 'Org1MSP', 'peer0');
    const peerIdentity = new msp.SerializedIdentity();
    peerIdentity.setMspid('Org1MSP');
    peerIdentity.setIdBytes(readFileSync(join(peerDir, 'cert.pem')));
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const signatureHeader = common.SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(0));
    signatureHeader.setCreator(peerIdentity.serializeBinary());
    payload.getHeader()?.setSignatureHeader(signatureHeader.serializeBinary());
    envelope.setPayload(payload.serializeBinary());
    const peerSigner = signers.newPrivateKeySigner(createPrivateKey(readFileSync(join(peerDir, 'key.pem'))));
    envelope.setSignature(await peerSigner(createHash('sha256').update(envelope.getPayload_asU8()).digest()));
    const err = await submitRaw(raw, txId, envelope);
    expect(err?.code).to.equal(grpc.status.ABORTED);
    expect(err?.details).to.equal(FORBIDDEN);
    await expectNeverOrdered(txId);
  });

  it('refuses an envelope for another channel and one without a header: status=BAD_REQUEST', async () => {
    const { txId, envelope } = await endorsed('LOT-NO-HEADER');
    const headerless = new common.Envelope();
    headerless.setPayload(new common.Payload().serializeBinary());
    headerless.setSignature(Buffer.from('sig'));
    const noHeader = await submitRaw(raw, txId, headerless);
    expect(noHeader?.code).to.equal(grpc.status.ABORTED);
    expect(noHeader?.details).to.equal(
      'received unsuccessful response from orderer: status=BAD_REQUEST, info=could not determine channel ID: header not set',
    );

    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = payload.getHeader();
    const channelHeader = common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array(0));
    channelHeader.setChannelId('elsewhere');
    header?.setChannelHeader(channelHeader.serializeBinary());
    envelope.setPayload(payload.serializeBinary());
    envelope.setSignature(Buffer.from('sig'));
    const otherChannel = await submitRaw(raw, txId, envelope);
    expect(otherChannel?.code).to.equal(grpc.status.ABORTED);
    expect(otherChannel?.details).to.equal(
      'received unsuccessful response from orderer: status=BAD_REQUEST, info=channel creation request not allowed because the orderer system channel is not defined',
    );
    await expectNeverOrdered(txId);
  });

  it('orders the same kind of envelope when it is intact and signed by its creator', async () => {
    const { txId, envelope, digest } = await endorsed('LOT-INTACT');
    envelope.setSignature(await signerOf('org1-supplier')(digest));
    expect(await submitRaw(raw, txId, envelope)).to.equal(undefined);
    await nw.net.flush();
    const qscc = nw.supplier.gateway.getNetwork(CHANNEL).getContract('qscc');
    const processed = peer.ProcessedTransaction.deserializeBinary(await qscc.evaluateTransaction('GetTransactionByID', CHANNEL, txId));
    expect(processed.getValidationcode()).to.equal(0);
  });
});
