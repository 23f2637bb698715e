/**
 * Test-only generator of proof bundles: its own CAs (@peculiar/x509, P-256), and the embedded
 * network's own builders (a dev dependency: the verifier's code does not use network/) for
 * proposals, endorsements, transaction envelopes and blocks with TRANSACTIONS_FILTER and
 * orderer-signed SIGNATURES metadata, so the bundles are what a peer commits; then a header chain.
 */
// @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { createHash, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { buildSignedProposal, computeTxId, serializeIdentity, sign, toHighS } from '@acetrace/network';
import { addOrdererMetadata, blockHeaderHash, newBlock, setBlockMetadata, TRANSACTIONS_FILTER } from '@acetrace/network/dist/peer/block';
import { endorse, prepareTransaction, proposalResponsePayloadBytes } from '@acetrace/network/dist/peer/endorsement';
import { unpackProposal } from '@acetrace/network/dist/peer/proposal';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import * as x509 from '@peculiar/x509';
import { BUNDLE_FORMAT, type BundleEvent, type OrganisationAnchors, type PolicyRule, type ProofBundle } from '../bundle';

x509.cryptoProvider.set(webcrypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
export const CHANNEL = 'acetrace-channel';
export const CHAINCODE = 'acetrace';

/** A certificate and the key that signs as it. */
export interface Signer {
  mspId: string;
  certPem: string;
  key: KeyObject;
  /** msp.SerializedIdentity bytes. */
  identity: Uint8Array;
}

interface CertificateAuthority {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

let serial = 1;

/** A P-256 certificate for `keys`, valid from yesterday for a year: issued by `issuer`, or self-signed. */
async function certificate(name: string, keys: webcrypto.CryptoKeyPair, extensions: x509.Extension[], issuer?: CertificateAuthority): Promise<x509.X509Certificate> {
  const now = Date.now();
  const validity = { serialNumber: (serial++).toString(16).padStart(2, '0'), notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), signingAlgorithm: ALG, extensions };
  return issuer
    ? x509.X509CertificateGenerator.create({ ...validity, subject: name, issuer: issuer.cert.subject, publicKey: keys.publicKey, signingKey: issuer.keys.privateKey })
    : x509.X509CertificateGenerator.createSelfSigned({ ...validity, name, keys });
}

async function newCa(name: string, issuer?: CertificateAuthority): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await certificate(name, keys, [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ], issuer);
  return { cert, keys };
}

async function newSigner(mspId: string, name: string, issuer: CertificateAuthority, options: { ca?: boolean } = {}): Promise<Signer> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await certificate(name, keys, [
    new x509.BasicConstraintsExtension(options.ca ?? false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  ], issuer);
  const certPem = cert.toString('pem');
  return { mspId, certPem, key: KeyObject.from(keys.privateKey), identity: serializeIdentity(mspId, certPem) };
}

/** `value`, or a thrown error naming `what` is missing (the fixture or a test relied on it being there). */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`fixture: ${what} is missing`);
  return value;
}

/** ECDSA P-256 over SHA-256 with S forced low, as Fabric signers do. */
export const signLowS = sign;
/** The same signature with S replaced by n - S (valid ECDSA, refused by Fabric). */
export { toHighS };

/** The network's identities: an orderer organisation and two application organisations (Org1 with an intermediate CA). */
export interface Network {
  anchors: OrganisationAnchors[];
  orderer: Signer;
  peers: Record<string, Signer>;
  clients: Record<string, Signer>;
  /** A CA certificate of Org1 used as a (forbidden) identity. */
  org1CaIdentity: Signer;
  /** A client of an organisation outside the channel, whose CA is in no anchor. */
  outsider: Signer;
}

export async function makeNetwork(): Promise<Network> {
  const ordererCa = await newCa('CN=ca.orderer.example, O=OrdererOrg');
  const org1Root = await newCa('CN=ca.org1.example, O=Org1');
  const org1Intermediate = await newCa('CN=ica.org1.example, O=Org1', org1Root);
  const org2Root = await newCa('CN=ca.org2.example, O=Org2');
  const strangerRoot = await newCa('CN=ca.stranger.example, O=Stranger');
  return {
    anchors: [
      { mspId: 'OrdererMSP', type: 'orderer', rootCerts: [ordererCa.cert.toString('pem')], intermediateCerts: [] },
      {
        mspId: 'Org1MSP',
        type: 'application',
        rootCerts: [org1Root.cert.toString('pem')],
        intermediateCerts: [org1Intermediate.cert.toString('pem')],
      },
      { mspId: 'Org2MSP', type: 'application', rootCerts: [org2Root.cert.toString('pem')], intermediateCerts: [] },
    ],
    orderer: await newSigner('OrdererMSP', 'CN=orderer0.example, O=OrdererOrg', ordererCa),
    peers: {
      Org1MSP: await newSigner('Org1MSP', 'CN=peer0.org1.example, O=Org1', org1Intermediate),
      Org2MSP: await newSigner('Org2MSP', 'CN=peer0.org2.example, O=Org2', org2Root),
    },
    clients: {
      Org1MSP: await newSigner('Org1MSP', 'CN=supplier1@org1.example, O=Org1', org1Intermediate),
      Org2MSP: await newSigner('Org2MSP', 'CN=broker@org2.example, O=Org2', org2Root),
    },
    org1CaIdentity: await newSigner('Org1MSP', 'CN=sub-ca.org1.example, O=Org1', org1Intermediate, { ca: true }),
    outsider: await newSigner('Org1MSP', 'CN=mallory@stranger.example, O=Stranger', strangerRoot),
  };
}

/** One transaction to put in a block. */
export interface TxSpec {
  creator: Signer;
  endorsers: Signer[];
  /** Writes in the chaincode's namespace. */
  writes: Array<{ key: string; value: Uint8Array }>;
  /** Overrides the endorsers' signatures (to forge one). */
  signEndorsement?: (endorser: Signer, data: Uint8Array) => Uint8Array;
  /** The proposal nonce (default 24 random bytes); with the creator it fixes the txId. */
  nonce?: Uint8Array;
}

export interface BuiltTx {
  txId: string;
  envelope: Uint8Array;
}

/** A signed endorser transaction envelope as a Fabric gateway assembles it, writing `spec.writes` (RecordEvents). */
export function buildTransaction(spec: TxSpec, channel = CHANNEL, chaincode = CHAINCODE): BuiltTx {
  const { txId, signedProposal } = buildSignedProposal({
    signer: { mspId: spec.creator.mspId, certPem: spec.creator.certPem, keyPem: spec.creator.key.export({ type: 'pkcs8', format: 'pem' }).toString() },
    channelId: channel, chaincodeName: chaincode, transactionName: 'RecordEvents', args: ['[]'], ...(spec.nonce ? { nonce: spec.nonce } : {}),
  });
  const up = unpackProposal(signedProposal);
  const kv = new ledger.rwset.kvrwset.KVRWSet();
  kv.setWritesList(spec.writes.map((w) => {
    const write = new ledger.rwset.kvrwset.KVWrite();
    write.setKey(w.key);
    write.setValue(w.value);
    return write;
  }));
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(chaincode);
  ns.setRwset(kv.serializeBinary());
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  rwset.setNsRwsetList([ns]);
  const sim = { response: { status: 200, message: '', payload: Buffer.from('[]') }, results: rwset.serializeBinary() };
  const prpBytes = proposalResponsePayloadBytes(up, sim, '1.0');
  const endorsements = spec.endorsers.map((e) => endorse(prpBytes, {
    mspId: e.mspId,
    serializedIdentity: e.identity,
    sign: (data) => (spec.signEndorsement ? spec.signEndorsement(e, data) : signLowS(e.key, data)),
  }));
  const envelope = prepareTransaction(up, prpBytes, endorsements);
  envelope.setSignature(signLowS(spec.creator.key, envelope.getPayload_asU8()));
  return { txId, envelope: envelope.serializeBinary() };
}

/** A block as the orderer cuts it and a peer commits it: data hash, TRANSACTIONS_FILTER, orderer signature. */
export function buildBlock(number: number, previousHash: Uint8Array, envelopes: Uint8Array[], codes: number[], orderer: Signer): common.Block {
  const block = newBlock(number, previousHash, envelopes);
  setBlockMetadata(block, TRANSACTIONS_FILTER, Uint8Array.from(codes));
  addOrdererMetadata(block, 0, { serializedIdentity: orderer.identity, sign: (message) => signLowS(orderer.key, message) });
  return block;
}

/** Fabric's composite key layout, as the chaincode writes event keys. */
export const eventKey = (lotId: string, eventId: string): string => `\u0000EVT\u0000${lotId}\u000001\u00002025-03-01T10:00:00Z\u0000${eventId}\u0000`;

export interface FixtureOptions {
  /** Who submits the event transactions (default Org1's client). */
  creator?: (n: Network) => Signer;
  /** Who endorses them (default a peer of each application organisation). */
  endorsers?: (n: Network) => Signer[];
  /** Validation code of the event transactions (default VALID). */
  code?: number;
  rule?: PolicyRule;
  signEndorsement?: TxSpec['signEndorsement'];
  /** Who signs the blocks (default the orderer). */
  blockSigner?: (n: Network) => Signer;
}

export interface Fixture {
  network: Network;
  bundle: ProofBundle;
  /** The event transactions' envelopes, by event id. */
  envelopes: Record<string, Uint8Array>;
}

/**
 * A lot with three events: E1 in block 2 (after nothing), E2 and E3 in block 3 (after a
 * transaction marked MVCC_READ_CONFLICT), block 4 empty of events, head block 5; headers 2..5.
 */
export async function makeFixture(options: FixtureOptions = {}, network?: Network): Promise<Fixture> {
  const n = network ?? (await makeNetwork());
  const creator = options.creator?.(n) ?? must(n.clients.Org1MSP, 'n.clients.Org1MSP');
  const endorsers = options.endorsers?.(n) ?? [must(n.peers.Org1MSP, 'n.peers.Org1MSP'), must(n.peers.Org2MSP, 'n.peers.Org2MSP')];
  const code = options.code ?? peer.TxValidationCode.VALID;
  const lotId = 'LOT-2025-0001';
  const filler = (): BuiltTx => buildTransaction({
    creator: must(n.clients.Org2MSP, 'n.clients.Org2MSP'),
    endorsers: [must(n.peers.Org1MSP, 'n.peers.Org1MSP'), must(n.peers.Org2MSP, 'n.peers.Org2MSP')],
    writes: [{ key: '\u0000COV\u000001\u0000LOT-OTHER\u0000', value: Buffer.from('{}') }],
  });
  const events: Array<{ eventId: string; record: Record<string, unknown>; value: Buffer; tx: BuiltTx }> = [];
  const eventTx = (eventId: string): (typeof events)[number] => {
    // The value names its own txId, as the chaincode's does (it reads it from the stub).
    const nonce = randomBytes(24);
    const record: Record<string, unknown> = {
      contentHash: createHash('sha256').update(eventId).digest('hex'),
      eventId,
      eventTimeUtc: '2025-03-01T10:00:00Z',
      link: 1,
      location: { country: 'VN', lat: 10.7626, lon: 106.6602 },
      lotId,
      recordedAt: '2025-03-01T10:00:05Z',
      recordedBy: 'Org1MSP',
      recordedByRole: 'supplier',
      txId: computeTxId(nonce, creator.identity),
      type: 'harvest',
    };
    const value = Buffer.from(JSON.stringify(record), 'utf8');
    const tx = buildTransaction({
      creator,
      endorsers,
      nonce,
      writes: [
        { key: eventKey(lotId, eventId), value },
        { key: `\u0000EID\u0000${eventId}\u0000`, value: Buffer.from(JSON.stringify({ eventId, lotId })) },
      ],
      ...(options.signEndorsement ? { signEndorsement: options.signEndorsement } : {}),
    });
    return { eventId, record, value, tx };
  };
  const e1 = eventTx('E1');
  const e2 = eventTx('E2');
  const e3 = eventTx('E3');
  events.push(e1, e2, e3);

  const blocks: common.Block[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  const contents: Array<{ envelopes: BuiltTx[]; codes: number[] }> = [
    { envelopes: [filler()], codes: [0] },
    { envelopes: [filler()], codes: [0] },
    { envelopes: [e1.tx], codes: [code] },
    { envelopes: [filler(), e2.tx, e3.tx], codes: [peer.TxValidationCode.MVCC_READ_CONFLICT, code, code] },
    { envelopes: [filler()], codes: [0] },
    { envelopes: [filler()], codes: [0] },
  ];
  contents.forEach((c, number) => {
    const block = buildBlock(number, previous, c.envelopes.map((t) => t.envelope), c.codes, options.blockSigner?.(n) ?? n.orderer);
    previous = blockHeaderHash(must(block.getHeader(), `the header of block ${String(number)}`));
    blocks.push(block);
  });
  const where: Record<string, { block: number; index: number }> = {
    E1: { block: 2, index: 0 },
    E2: { block: 3, index: 1 },
    E3: { block: 3, index: 2 },
  };
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const bundleEvents: BundleEvent[] = events.map((e) => ({
    eventId: e.eventId,
    txId: e.tx.txId,
    blockNumber: String(must(where[e.eventId], 'where[e.eventId]').block),
    txIndex: must(where[e.eventId], 'where[e.eventId]').index,
    key: eventKey(lotId, e.eventId),
    value: e.value.toString('base64'),
    valueSha256: createHash('sha256').update(e.value).digest('hex'),
    event: JSON.parse(e.value.toString('utf8')) as unknown,
    recordedBy: 'Org1MSP',
  }));
  const bundle: ProofBundle = {
    format: BUNDLE_FORMAT,
    channel: CHANNEL,
    chaincode: CHAINCODE,
    generatedAt: new Date().toISOString(),
    subject: { lotId },
    trustAnchors: {
      organisations: n.anchors,
      endorsementPolicy: {
        rule: options.rule ?? 'MAJORITY',
        organisations: ['Org1MSP', 'Org2MSP'],
        source: '/Channel/Application/Endorsement',
      },
    },
    blocks: [2, 3, 5].map((i) => ({ number: String(i), block: Buffer.from(must(blocks[i], `block ${String(i)}`).serializeBinary()).toString('base64') })),
    headers: [2, 3, 4, 5].map((i) => {
      const h = must(must(blocks[i], `block ${String(i)}`).getHeader(), `the header of block ${String(i)}`);
      return { number: String(i), previousHash: hex(h.getPreviousHash_asU8()), dataHash: hex(h.getDataHash_asU8()) };
    }),
    events: bundleEvents,
    head: { number: '5' },
  };
  return { network: n, bundle, envelopes: Object.fromEntries(events.map((e) => [e.eventId, e.tx.envelope])) };
}
