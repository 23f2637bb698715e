/**
 * Test-only generator of proof bundles, independent of network/: its own CAs (@peculiar/x509,
 * P-256), real fabric-protos envelopes with write sets and endorsements, blocks with
 * TRANSACTIONS_FILTER and orderer-signed SIGNATURES metadata, and a header chain.
 */
// @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { createHash, KeyObject, randomBytes, sign, webcrypto } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { BUNDLE_FORMAT, type BundleEvent, type OrganisationAnchors, type PolicyRule, type ProofBundle } from '../bundle';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from '../fabric';

x509.cryptoProvider.set(webcrypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
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

async function newCa(name: string, issuer?: CertificateAuthority): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const extensions = [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        serialNumber: (serial++).toString(16).padStart(2, '0'),
        subject: name,
        issuer: issuer.cert.subject,
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 365 * DAY),
        signingAlgorithm: ALG,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: (serial++).toString(16).padStart(2, '0'),
        name,
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 365 * DAY),
        signingAlgorithm: ALG,
        keys,
        extensions,
      });
  return { cert, keys };
}

async function newSigner(mspId: string, name: string, issuer: CertificateAuthority, options: { ca?: boolean } = {}): Promise<Signer> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject: name,
    issuer: issuer.cert.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(options.ca ?? false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const certPem = cert.toString('pem');
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(certPem, 'utf8'));
  return { mspId, certPem, key: KeyObject.from(keys.privateKey), identity: identity.serializeBinary() };
}

/** `value`, or a thrown error naming `what` is missing (the fixture or a test relied on it being there). */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`fixture: ${what} is missing`);
  return value;
}

/** The r and s integers of a DER ECDSA signature. */
function derRS(der: Uint8Array): { r: asn1js.Integer; s: asn1js.Integer } {
  const seq = asn1js.fromBER(der).result;
  const [r, s] = seq instanceof asn1js.Sequence ? seq.valueBlock.value : [];
  if (!(r instanceof asn1js.Integer) || !(s instanceof asn1js.Integer)) throw new Error('fixture: not a DER ECDSA signature');
  return { r, s };
}

/** ECDSA P-256 over SHA-256 with S forced low, as Fabric signers do. */
export function signLowS(key: KeyObject, data: Uint8Array): Buffer {
  const { r, s } = derRS(sign('sha256', data, { key, dsaEncoding: 'der' }));
  let sValue = s.toBigInt();
  if (sValue > P256_ORDER >> 1n) sValue = P256_ORDER - sValue;
  return Buffer.from(new asn1js.Sequence({ value: [r, asn1js.Integer.fromBigInt(sValue)] }).toBER(false));
}

/** The same signature with S replaced by n - S (valid ECDSA, refused by Fabric). */
export function toHighS(signature: Uint8Array): Buffer {
  const { r, s } = derRS(signature);
  return Buffer.from(new asn1js.Sequence({ value: [r, asn1js.Integer.fromBigInt(P256_ORDER - s.toBigInt())] }).toBER(false));
}

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

/** Fabric's txId: hex SHA-256 of nonce ‖ serialised creator. */
export function computeTxId(nonce: Uint8Array, creator: Signer): string {
  return createHash('sha256').update(nonce).update(creator.identity).digest('hex');
}

export interface BuiltTx {
  txId: string;
  envelope: Uint8Array;
}

/** A signed endorser transaction envelope as a Fabric gateway assembles it. */
export function buildTransaction(spec: TxSpec, channel = CHANNEL, chaincode = CHAINCODE): BuiltTx {
  const nonce = spec.nonce ?? randomBytes(24);
  const txId = computeTxId(nonce, spec.creator);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(txId);
  channelHeader.setEpoch(0);
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  channelHeader.setExtension$(extension.serializeBinary());
  const channelHeaderBytes = channelHeader.serializeBinary();
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(spec.creator.identity);
  signatureHeader.setNonce(nonce);
  const signatureHeaderBytes = signatureHeader.serializeBinary();

  const input = new peer.ChaincodeInput();
  input.setArgsList([Buffer.from('RecordEvents'), Buffer.from('[]')]);
  const spec2 = new peer.ChaincodeSpec();
  spec2.setType(peer.ChaincodeSpec.Type.NODE);
  spec2.setChaincodeId(chaincodeId);
  spec2.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec2);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());
  const proposalPayloadBytes = proposalPayload.serializeBinary();

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
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(Buffer.from('[]'));
  const versioned = new peer.ChaincodeID();
  versioned.setName(chaincode);
  versioned.setVersion('1.0');
  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  action.setResponse(response);
  action.setChaincodeId(versioned);
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(createHash('sha256').update(channelHeaderBytes).update(signatureHeaderBytes).update(proposalPayloadBytes).digest());
  prp.setExtension$(action.serializeBinary());
  const prpBytes = prp.serializeBinary();

  const endorsements = spec.endorsers.map((e) => {
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(e.identity);
    const data = Buffer.concat([prpBytes, e.identity]);
    endorsement.setSignature(spec.signEndorsement ? spec.signEndorsement(e, data) : signLowS(e.key, data));
    return endorsement;
  });
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prpBytes);
  endorsed.setEndorsementsList(endorsements);
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayloadBytes);
  actionPayload.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setHeader(signatureHeaderBytes);
  txAction.setPayload(actionPayload.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([txAction]);
  const header = new common.Header();
  header.setChannelHeader(channelHeaderBytes);
  header.setSignatureHeader(signatureHeaderBytes);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(tx.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signLowS(spec.creator.key, payloadBytes));
  return { txId, envelope: envelope.serializeBinary() };
}

/** A block as the orderer cuts it and a peer commits it: data hash, TRANSACTIONS_FILTER, orderer signature. */
export function buildBlock(number: number, previousHash: Uint8Array, envelopes: Uint8Array[], codes: number[], orderer: Signer): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList(envelopes);

  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(0);
  const consenter = new common.Metadata();
  const value = new common.OrdererBlockMetadata();
  value.setLastConfig(lastConfig);
  value.setConsenterMetadata(consenter.serializeBinary());
  const valueBytes = value.serializeBinary();
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(orderer.identity);
  signatureHeader.setNonce(randomBytes(24));
  const signatureHeaderBytes = signatureHeader.serializeBinary();
  const signature = new common.MetadataSignature();
  signature.setSignatureHeader(signatureHeaderBytes);
  signature.setSignature(signLowS(orderer.key, Buffer.concat([
    valueBytes,
    signatureHeaderBytes,
    blockHeaderBytes({ number: BigInt(number), previousHash, dataHash: header.getDataHash_asU8() }),
  ])));
  const signatures = new common.Metadata();
  signatures.setValue(valueBytes);
  signatures.setSignaturesList([signature]);

  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([signatures.serializeBinary(), new Uint8Array(0), Uint8Array.from(codes), new Uint8Array(0), new Uint8Array(0)]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
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
      txId: computeTxId(nonce, creator),
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
    const header = must(block.getHeader(), `the header of block ${String(number)}`);
    previous = blockHeaderHash({
      number: BigInt(number),
      previousHash: header.getPreviousHash_asU8(),
      dataHash: header.getDataHash_asU8(),
    });
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
