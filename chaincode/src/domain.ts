/**
 * `@acetrace/chaincode/domain`: the domain's constants and shapes with no runtime dependency
 * (no fabric-contract-api, no EPC libraries), for code that must stay light: the browser page,
 * the network's identity issuing. Everything here is also exported by the package index.
 */
export { LINKS, LINK_COUNT, FINAL_DELIVERY_LINK, linkFromName, linkByNumber, isLinkNumber, describeLink } from './links';
export type { LinkInfo, Phase } from './links';
export {
  ROLES, ROLE_ATTRIBUTE, EVENT_KINDS, EVIDENCE_TYPES, ANOMALY_TYPES, AGGREGATION_ACTIONS, SUPPLY_CHAIN_ROLES, FACILITY_TYPES, LOT_SCHEMA_VERSION,
} from './types';
export type * from './types';
export * from './limits';
export { CBP_UFLPA_2023, DEFAULT_EVIDENCE_POLICY, EVIDENCE_POLICIES, requiredEvidence } from './evidence-policy';
export type { EvidencePolicy } from './evidence-policy';
