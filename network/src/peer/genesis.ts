/**
 * Block 0 of the channel: a CONFIG transaction whose ConfigEnvelope holds the channel
 * configuration as `configtxgen` writes it from a sample profile: the application organisations
 * and the orderer organisation with their MSPs (root CA, TLS root CA, NodeOUs), the standard
 * Readers/Writers/Admins/Endorsement policies, the orderer's batch settings and capabilities.
 * The embedded peer enforces the same rules in code; the configuration lets an outsider read
 * them (trust anchors, endorsement policy, who signs blocks) from the ledger.
 */
import { createHash, randomBytes } from 'node:crypto';
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

/** One organisation in the channel configuration. */
export interface GenesisOrg {
  readonly mspId: string;
  readonly caCertPem: string;
  readonly tlsCaCertPem: string;
}

/** Channel-wide settings written into the configuration (configtxgen's profile). */
export interface GenesisSettings {
  /** Rule of `/Channel/Application/Endorsement` over the orgs' `Endorsement` policies. */
  readonly endorsement: 'MAJORITY' | 'ANY';
  readonly batch: { readonly maxMessageCount: number; readonly absoluteMaxBytes: number; readonly preferredMaxBytes: number; readonly batchTimeoutMs: number };
  /** `host:port` of the ordering node. */
  readonly ordererAddress: string;
}

const DEFAULT_SETTINGS: GenesisSettings = {
  endorsement: 'MAJORITY',
  batch: { maxMessageCount: 500, absoluteMaxBytes: 10 * 1024 * 1024, preferredMaxBytes: 2 * 1024 * 1024, batchTimeoutMs: 100 },
  ordererAddress: 'orderer0.acetrace.local:7050',
};

interface ProtoMap<V> {
  set(key: string, value: V): unknown;
}

function ouIdentifier(ou: string, caCertPem: string): msp.FabricOUIdentifier {
  const id = new msp.FabricOUIdentifier();
  id.setCertificate(Buffer.from(caCertPem));
  id.setOrganizationalUnitIdentifier(ou);
  return id;
}

function mspValue(org: GenesisOrg): common.ConfigValue {
  const fabricConfig = new msp.FabricMSPConfig();
  fabricConfig.setName(org.mspId);
  fabricConfig.setRootCertsList([Buffer.from(org.caCertPem)]);
  fabricConfig.setTlsRootCertsList([Buffer.from(org.tlsCaCertPem)]);
  const crypto = new msp.FabricCryptoConfig();
  crypto.setSignatureHashFamily('SHA2');
  crypto.setIdentityIdentifierHashFunction('SHA256');
  fabricConfig.setCryptoConfig(crypto);
  // NodeOUs: the certificates' OU says client, peer, admin or orderer (as Fabric CA issues them)
  const nodeOUs = new msp.FabricNodeOUs();
  nodeOUs.setEnable(true);
  nodeOUs.setClientOuIdentifier(ouIdentifier('client', org.caCertPem));
  nodeOUs.setPeerOuIdentifier(ouIdentifier('peer', org.caCertPem));
  nodeOUs.setAdminOuIdentifier(ouIdentifier('admin', org.caCertPem));
  nodeOUs.setOrdererOuIdentifier(ouIdentifier('orderer', org.caCertPem));
  fabricConfig.setFabricNodeOus(nodeOUs);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0); // FABRIC
  mspConfig.setConfig(fabricConfig.serializeBinary());
  return configValue(mspConfig.serializeBinary());
}

function configValue(bytes: Uint8Array): common.ConfigValue {
  const value = new common.ConfigValue();
  value.setValue(bytes);
  value.setModPolicy('Admins');
  return value;
}

type Role = 'MEMBER' | 'ADMIN' | 'CLIENT' | 'PEER' | 'ORDERER';

/** `OR('<msp>.<role>', ...)`: a SIGNATURE policy satisfied by one of the principals. */
function signaturePolicy(principals: ReadonlyArray<{ readonly mspId: string; readonly role: Role }>): common.ConfigPolicy {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(1);
  principals.forEach(({ mspId, role }, i) => {
    const mspRole = new msp.MSPRole();
    mspRole.setMspIdentifier(mspId);
    mspRole.setRole(msp.MSPRole.MSPRoleType[role]);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(mspRole.serializeBinary());
    envelope.addIdentities(principal);
    const signedBy = new common.SignaturePolicy();
    signedBy.setSignedBy(i);
    nOutOf.addRules(signedBy);
  });
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  envelope.setRule(rule);
  return configPolicy(common.Policy.PolicyType.SIGNATURE, envelope.serializeBinary());
}

/** `<RULE> <subPolicy>` over the sub-groups' policies of that name. */
function implicitMetaPolicy(rule: 'ANY' | 'ALL' | 'MAJORITY', subPolicy: string): common.ConfigPolicy {
  const meta = new common.ImplicitMetaPolicy();
  meta.setSubPolicy(subPolicy);
  meta.setRule(common.ImplicitMetaPolicy.Rule[rule]);
  return configPolicy(common.Policy.PolicyType.IMPLICIT_META, meta.serializeBinary());
}

function configPolicy(type: number, value: Uint8Array): common.ConfigPolicy {
  const policy = new common.Policy();
  policy.setType(type);
  policy.setValue(value);
  const configPolicy = new common.ConfigPolicy();
  configPolicy.setPolicy(policy);
  configPolicy.setModPolicy('Admins');
  return configPolicy;
}

/** Sets a group's policies; every group here is modified under its own Admins policy. */
function setPolicies(group: common.ConfigGroup, policies: Record<string, common.ConfigPolicy>): void {
  const map = group.getPoliciesMap() as ProtoMap<common.ConfigPolicy>;
  for (const [name, policy] of Object.entries(policies)) {
    map.set(name, policy);
  }
  group.setModPolicy('Admins');
}

/** Readers and Writers: any sub-group's; Admins: a majority of the sub-groups' (configtx.yaml defaults). */
function implicitMetaDefaults(): Record<string, common.ConfigPolicy> {
  return {
    Readers: implicitMetaPolicy('ANY', 'Readers'),
    Writers: implicitMetaPolicy('ANY', 'Writers'),
    Admins: implicitMetaPolicy('MAJORITY', 'Admins'),
  };
}

/** An application organisation (fab sampleconfig configtx.yaml `Organizations`). */
function applicationOrgGroup(org: GenesisOrg): common.ConfigGroup {
  const group = new common.ConfigGroup();
  (group.getValuesMap() as ProtoMap<common.ConfigValue>).set('MSP', mspValue(org));
  const id = org.mspId;
  setPolicies(group, {
    Readers: signaturePolicy([{ mspId: id, role: 'ADMIN' }, { mspId: id, role: 'PEER' }, { mspId: id, role: 'CLIENT' }]),
    Writers: signaturePolicy([{ mspId: id, role: 'ADMIN' }, { mspId: id, role: 'CLIENT' }]),
    Admins: signaturePolicy([{ mspId: id, role: 'ADMIN' }]),
    Endorsement: signaturePolicy([{ mspId: id, role: 'PEER' }]),
  });
  return group;
}

/** The orderer organisation. */
function ordererOrgGroup(org: GenesisOrg, ordererAddress: string): common.ConfigGroup {
  const group = new common.ConfigGroup();
  const values = group.getValuesMap() as ProtoMap<common.ConfigValue>;
  values.set('MSP', mspValue(org));
  const endpoints = new common.OrdererAddresses();
  endpoints.setAddressesList([ordererAddress]);
  values.set('Endpoints', configValue(endpoints.serializeBinary()));
  setPolicies(group, {
    Readers: signaturePolicy([{ mspId: org.mspId, role: 'MEMBER' }]),
    Writers: signaturePolicy([{ mspId: org.mspId, role: 'MEMBER' }]),
    Admins: signaturePolicy([{ mspId: org.mspId, role: 'ADMIN' }]),
  });
  return group;
}

function capabilities(name: string): common.ConfigValue {
  const caps = new common.Capabilities();
  (caps.getCapabilitiesMap() as ProtoMap<common.Capability>).set(name, new common.Capability());
  return configValue(caps.serializeBinary());
}

function applicationGroup(orgs: readonly GenesisOrg[], settings: GenesisSettings): common.ConfigGroup {
  const group = new common.ConfigGroup();
  const groups = group.getGroupsMap() as ProtoMap<common.ConfigGroup>;
  for (const org of orgs) {
    groups.set(org.mspId, applicationOrgGroup(org));
  }
  (group.getValuesMap() as ProtoMap<common.ConfigValue>).set('Capabilities', capabilities('V2_5'));
  setPolicies(group, {
    ...implicitMetaDefaults(),
    Endorsement: implicitMetaPolicy(settings.endorsement, 'Endorsement'),
    LifecycleEndorsement: implicitMetaPolicy(settings.endorsement, 'Endorsement'),
  });
  return group;
}

function ordererGroup(org: GenesisOrg, settings: GenesisSettings): common.ConfigGroup {
  const group = new common.ConfigGroup();
  (group.getGroupsMap() as ProtoMap<common.ConfigGroup>).set(org.mspId, ordererOrgGroup(org, settings.ordererAddress));
  const values = group.getValuesMap() as ProtoMap<common.ConfigValue>;
  // one in-process ordering node, no consensus protocol: configtxgen's "solo" type
  const consensus = new orderer.ConsensusType();
  consensus.setType('solo');
  values.set('ConsensusType', configValue(consensus.serializeBinary()));
  const batchSize = new orderer.BatchSize();
  batchSize.setMaxMessageCount(settings.batch.maxMessageCount);
  batchSize.setAbsoluteMaxBytes(settings.batch.absoluteMaxBytes);
  batchSize.setPreferredMaxBytes(settings.batch.preferredMaxBytes);
  values.set('BatchSize', configValue(batchSize.serializeBinary()));
  const batchTimeout = new orderer.BatchTimeout();
  batchTimeout.setTimeout(`${String(settings.batch.batchTimeoutMs)}ms`);
  values.set('BatchTimeout', configValue(batchTimeout.serializeBinary()));
  values.set('Capabilities', capabilities('V2_0'));
  setPolicies(group, {
    ...implicitMetaDefaults(),
    // who may sign blocks: the orderer organisation's members
    BlockValidation: implicitMetaPolicy('ANY', 'Writers'),
  });
  return group;
}

/** The channel group: Application and Orderer groups, channel values and policies. */
function channelGroup(applicationOrgs: readonly GenesisOrg[], ordererOrg: GenesisOrg, settings: GenesisSettings): common.ConfigGroup {
  const group = new common.ConfigGroup();
  const groups = group.getGroupsMap() as ProtoMap<common.ConfigGroup>;
  groups.set('Application', applicationGroup(applicationOrgs, settings));
  groups.set('Orderer', ordererGroup(ordererOrg, settings));
  const values = group.getValuesMap() as ProtoMap<common.ConfigValue>;
  const hashing = new common.HashingAlgorithm();
  hashing.setName('SHA256');
  values.set('HashingAlgorithm', configValue(hashing.serializeBinary()));
  const dataHashing = new common.BlockDataHashingStructure();
  dataHashing.setWidth(4294967295);
  values.set('BlockDataHashingStructure', configValue(dataHashing.serializeBinary()));
  values.set('Capabilities', capabilities('V2_0'));
  setPolicies(group, implicitMetaDefaults());
  return group;
}

/** The CONFIG envelope of the genesis block, and its tx id. */
export function genesisEnvelope(
  channelId: string,
  applicationOrgs: readonly GenesisOrg[],
  ordererOrg: GenesisOrg,
  now: Date,
  settings: GenesisSettings = DEFAULT_SETTINGS,
): { envelope: Uint8Array; txId: string } {
  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channelGroup(applicationOrgs, ordererOrg, settings));
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);

  // configtxgen: random nonce, no creator, tx id computed from both
  const nonce = randomBytes(24);
  const txId = createHash('sha256').update(nonce).digest('hex');
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setVersion(1);
  channelHeader.setChannelId(channelId);
  channelHeader.setTxId(txId);
  channelHeader.setEpoch(0);
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(now.getTime() / 1000));
  timestamp.setNanos(0); // fab MakeChannelHeader: whole seconds
  channelHeader.setTimestamp(timestamp);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return { envelope: envelope.serializeBinary(), txId };
}
