/**
 * The chaincode's `EventInput` (ARCHITECTURE.md §4), as the outbox stores and submits it.
 *
 * Declared here until `@acetrace/chaincode` exports it from its index; then this file
 * becomes a type re-export and nothing else changes.
 */
export interface EventInput {
  eventId: string;
  lotId: string;
  /** Link number 1..12 (the gateway turns a link name into its number before queueing). */
  link: number;
  kind: 'rfid' | 'gps' | 'document' | 'handover';
  /** ISO 8601 with offset. */
  eventTime: string;
  deviceId?: string;
  location?: { lat?: number; lon?: number; accuracyM?: number; gln?: string | null };
  epcs?: string[];
  evidence?: Array<{ sha256: string; uri?: string; type: string }>;
  correctionOf?: string | null;
  reason?: string;
}
