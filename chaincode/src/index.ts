/**
 * @acetrace/chaincode: the contract for fabric-chaincode-node, and the domain types,
 * constants and pure helpers the gateway may reuse.
 */
import { TraceabilityContract } from './traceability-contract';

export { TraceabilityContract } from './traceability-contract';
/** The contracts fabric-chaincode-node starts; the first is the default contract. */
export const contracts = [TraceabilityContract];

export { LINKS, LINK_COUNT, FINAL_DELIVERY_LINK, linkFromName, linkByNumber, isLinkNumber, describeLink } from './links';
export type { LinkInfo, Phase } from './links';
export {
  ROLES, ROLE_ATTRIBUTE, EVENT_KINDS, EVIDENCE_TYPES, ANOMALY_TYPES, AGGREGATION_ACTIONS, SUPPLY_CHAIN_ROLES, FACILITY_TYPES, LOT_SCHEMA_VERSION,
} from './types';
export type * from './types';
export { CHAINCODE_EVENTS } from './events';
export type { ChaincodeEventName, ChaincodeEventPayload } from './events';
export { ERROR_CODES, errorCodeOf, ChaincodeError, ValidationError } from './errors';
export type { ErrorCode, FieldProblem } from './errors';
export { normaliseEpc, epcMatchKey, EpcFormatError, DEFAULT_GCP_LENGTH } from './epc';
export type { NormaliseEpcOptions } from './epc';
export {
  normaliseHtsCode, normaliseCountry, isGln, validateLotInput, validateEventInput, validateEventBatch, validateLotFilter,
  validateDeviceInput, validateFacilityInput, validateOrganisationProfileInput, facilityFilterFromJson,
} from './validation';
export type { EventValidationOptions, ValidLotFilter } from './validation';
export { validatePrivateValue, validatePrivateEnvelope } from './validation';
export { privateHash, implicitCollection } from './private-data';
export * from './limits';
export { parseInstant } from './time';
export {
  POSTING_LINKS, LOGISTICS_KINDS, LOT_REGISTERING_ROLES, DEFAULT_ORGANISATION_ROLES, rolesForLink, checkPost,
  checkRegisterLot, provenanceDetail, postingMatrix,
} from './permissions';
export { assembleProvenance, completenessOf } from './provenance';
export { summariseProvenance, thinTrack } from './summary';
export {
  CBP_UFLPA_2023, DEFAULT_EVIDENCE_POLICY, EVIDENCE_POLICIES, requiredEvidence, evidenceOf, expectedSuppliers, timelinessOf, percentile,
} from './evidence-policy';
export type { EvidencePolicy } from './evidence-policy';
export { eventKey } from './keys';
export { detectAnomalies, haversineMeters, MAX_SPEED_KMH } from './anomalies';
export { IMPORTER_LINKS, WRITE_SCOPE_RULE, custodyChain, custodianAt } from './custody';
export { OWN_ORGANISATION_RULE, NO_TAKEOVER_RULE } from './parties';
