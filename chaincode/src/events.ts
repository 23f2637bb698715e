/** Chaincode event names: one event per transaction that wrote something. */
export const CHAINCODE_EVENTS = {
  LotRegistered: 'LotRegistered',
  EventsRecorded: 'EventsRecorded',
  CorrectionRecorded: 'CorrectionRecorded',
  DeviceRegistered: 'DeviceRegistered',
  OrganisationRegistered: 'OrganisationRegistered',
  OrganisationProfileRegistered: 'OrganisationProfileRegistered',
  FacilityRegistered: 'FacilityRegistered',
  /** An organisation purged its private data of a lot (no private content in the payload, as in every event). */
  PrivateDataPurged: 'PrivateDataPurged',
} as const;

export type ChaincodeEventName = (typeof CHAINCODE_EVENTS)[keyof typeof CHAINCODE_EVENTS];

/** Payload of every chaincode event (JSON). */
export interface ChaincodeEventPayload {
  readonly type: ChaincodeEventName;
  readonly lotIds: readonly string[];
  readonly eventIds: readonly string[];
  readonly recordedBy: string;
  readonly txId: string;
  readonly [extra: string]: unknown;
}
