/**
 * Block 0 of the channel: a CONFIG transaction whose ConfigEnvelope names the application
 * organisations (MSP root certs) and the orderer organisation, as `configtxgen` would, reduced
 * to what the embedded network uses (no policies or capabilities are evaluated from it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

/** One organisation in the channel configuration. */
export interface GenesisOrg {
  readonly mspId: string;
  readonly caCertPem: string;
  readonly tlsCaCertPem: string;
}

interface ProtoMap<V> {
  set(key: string, value: V): unknown;
}

function mspValue(org: GenesisOrg): common.ConfigValue {
  const fabricConfig = new msp.FabricMSPConfig();
  fabricConfig.setName(org.mspId);
  fabricConfig.setRootCertsList([Buffer.from(org.caCertPem)]);
  fabricConfig.setTlsRootCertsList([Buffer.from(org.tlsCaCertPem)]);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0); // FABRIC
  mspConfig.setConfig(fabricConfig.serializeBinary());
  const value = new common.ConfigValue();
  value.setValue(mspConfig.serializeBinary());
  value.setModPolicy('Admins');
  return value;
}

function orgGroup(org: GenesisOrg): common.ConfigGroup {
  const group = new common.ConfigGroup();
  (group.getValuesMap() as ProtoMap<common.ConfigValue>).set('MSP', mspValue(org));
  group.setModPolicy('Admins');
  return group;
}

function parentGroup(orgs: readonly GenesisOrg[]): common.ConfigGroup {
  const group = new common.ConfigGroup();
  const groups = group.getGroupsMap() as ProtoMap<common.ConfigGroup>;
  for (const org of orgs) {
    groups.set(org.mspId, orgGroup(org));
  }
  group.setModPolicy('Admins');
  return group;
}

/** The CONFIG envelope of the genesis block, and its tx id. */
export function genesisEnvelope(
  channelId: string,
  applicationOrgs: readonly GenesisOrg[],
  ordererOrg: GenesisOrg,
  now: Date,
): { envelope: Uint8Array; txId: string } {
  const channelGroup = new common.ConfigGroup();
  const groups = channelGroup.getGroupsMap() as ProtoMap<common.ConfigGroup>;
  groups.set('Application', parentGroup(applicationOrgs));
  groups.set('Orderer', parentGroup([ordererOrg]));
  channelGroup.setModPolicy('Admins');
  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channelGroup);
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
  timestamp.setNanos((now.getTime() % 1000) * 1e6);
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
