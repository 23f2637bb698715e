/**
 * How a submission's private part reaches the chaincode on Fabric: split from the public input (private
 * fields and evidence URIs), each record's value sent with a fresh random 32-byte salt in the transient map
 * (`acetrace.private`), which Fabric keeps out of the transaction and its block. The arguments keep the
 * public part only.
 */
import { randomBytes } from 'node:crypto';
import { PRIVATE_SALT_BYTES, TRANSIENT_PRIVATE_KEY, type PrivateEnvelope, type PrivateValue, type TransientPrivate } from '@acetrace/chaincode';
import type { EventInput, EventSubmission, LotInput, LotSubmission } from '../../ports/ledger';

/** The proposal's arguments and, when anything is private, its transient map. */
export interface ProposalParts {
  args: string[];
  transientData?: Record<string, Uint8Array>;
}

/** A value with the fields that carry something (the chaincode hashes what it validates: absent and null alike). */
function privateValueOf(fields: LotSubmission['private'], evidenceUris: Array<string | null>): PrivateValue | undefined {
  const value: PrivateValue = {};
  for (const [k, v] of Object.entries(fields ?? {})) if (v !== null && v !== undefined) (value as Record<string, unknown>)[k] = v;
  if (evidenceUris.some((u) => u !== null)) value.evidenceUris = evidenceUris;
  return Object.keys(value).length > 0 ? value : undefined;
}

function envelope(value: PrivateValue): PrivateEnvelope {
  return { value, salt: randomBytes(PRIVATE_SALT_BYTES).toString('hex') };
}

function transient(entry: TransientPrivate): Record<string, Uint8Array> | undefined {
  if (entry.lot === undefined && Object.keys(entry.events ?? {}).length === 0) return undefined;
  return { [TRANSIENT_PRIVATE_KEY]: Buffer.from(JSON.stringify(entry), 'utf8') };
}

/** An event's public part (no `private`, evidence without URIs) and its private value, if any. */
export function splitEvent(event: EventSubmission): { input: EventInput; value?: PrivateValue } {
  const { private: fields, ...rest } = event;
  const uris = (event.evidence ?? []).map((e) => e.uri ?? null);
  const input: EventInput = event.evidence ? { ...rest, evidence: event.evidence.map(({ uri: _uri, ...kept }) => kept) } : rest;
  const value = privateValueOf(fields, uris);
  return value ? { input, value } : { input };
}

/** RegisterLot's proposal: the public lot in the argument, its private fields in the transient map. */
export function lotProposal(lot: LotSubmission): ProposalParts {
  const { private: fields, ...input } = lot;
  const value = privateValueOf(fields, []);
  const transientData = value ? transient({ lot: envelope(value) }) : undefined;
  return { args: [JSON.stringify(input satisfies LotInput)], ...(transientData && { transientData }) };
}

/** RecordEvents' (or, `single`, RecordCorrection's) proposal: public events in the argument, private parts by event id. */
export function eventsProposal(events: readonly EventSubmission[], single = false): ProposalParts {
  const inputs: EventInput[] = [];
  const byId: Record<string, PrivateEnvelope> = {};
  for (const event of events) {
    const { input, value } = splitEvent(event);
    inputs.push(input);
    if (value) byId[input.eventId] = envelope(value);
  }
  const transientData = transient({ events: byId });
  return { args: [JSON.stringify(single ? inputs[0] : inputs)], ...(transientData && { transientData }) };
}

/**
 * Who endorses a transaction with private writes. Fabric's gateway refuses to send transient data to
 * organisations outside the collection unless the client names the endorsers (endorse.go: "retry specifying
 * endorsing organization(s) to protect transient data"), and a write to `_implicit_org_<MSP>` needs that
 * organisation's endorsement while the public writes need the chaincode's policy (MAJORITY of the channel's
 * organisations here): the recorder first, then others in a fixed order until a majority.
 */
export function privateEndorsers(recorderMsp: string, channelOrganisations: readonly string[]): string[] {
  const all = [...new Set([recorderMsp, ...channelOrganisations])];
  const majority = Math.floor(all.length / 2) + 1;
  return [recorderMsp, ...all.filter((m) => m !== recorderMsp).sort()].slice(0, majority);
}
