/**
 * The CBP review dossier's data (dossier.md), built once from a provenance answer, the screening
 * result and the ledger's height; every renderer (PDF, CSV, XLSX, ZIP, JSON) reads only this.
 * Pure and deterministic: the same inputs give the same model; `generatedAt` is passed in.
 */
import type {
  Anomaly, EvidenceCompleteness, FacilityRef, MissingEvidence, Party, ProvenanceEvent, Timeliness, UpstreamNode,
} from '@acetrace/chaincode';
import { LINKS } from '@acetrace/chaincode';
import type { ProvenanceAnswer, ProvenanceEventAnswer } from '../ports/ledger';
import type { ScreeningResult } from '../screening/screening.service';

export const DOSSIER_FORMAT = 'acetrace-dossier/1';

/** The ledger at generation: height and last block hash, and each event block's hash where known. */
export interface LedgerFacts {
  height: number | null;
  blockHash: string | null;
  /** Block number → header hash (hex). */
  blockHashes: ReadonlyMap<number, string>;
}

/** A party with what the dossier says of it. */
export interface DossierParty extends Party {
  address: string | null;
  /** How it took part: owner, importer of record, custodian, recorder, input supplier. */
  involvement: string[];
  /** Numbers of the steps it took part in. */
  steps: number[];
}

/** One numbered exhibit: an event, or a document an event carries. */
export interface Exhibit {
  number: number;
  step: number;
  kind: 'event' | 'document';
  lotId: string;
  link: number;
  linkName: string;
  eventId: string;
  eventKind: string;
  eventTime: string;
  recordedBy: string;
  recordedAt: string;
  /** Document type (for a document), else the event kind. */
  type: string;
  sha256: string | null;
  uri: string | null;
  txId: string;
  blockNumber: number | null;
  facility: string | null;
}

/** A numbered step of the flow chart: an upstream input lot, or one of the 12 links of the lot. */
export interface DossierStep {
  number: number;
  kind: 'input-lot' | 'link';
  lotId: string;
  /** For a link step. */
  link: number | null;
  title: string;
  /** Organisations that recorded on it (link) or own it (input lot). */
  organisations: string[];
  /** Facilities named there: `name (GLN, subdivision)`. */
  facilities: string[];
  covered: boolean;
  /** Steps this one feeds (an input lot feeds the first link of its consumer, or its consumer's input step). */
  feeds: number[];
  events: number;
  firstSeen: string | null;
  lastSeen: string | null;
  exhibits: number[];
  missing: MissingEvidence[];
  /** Containers the lot was inside during this step. */
  containers: string[];
}

/** One input of a transformation against its lot's registered quantity. */
export interface ReconciledInput {
  lotId: string;
  product: string;
  quantityConsumed: number;
  unit: string;
  lotQuantity: number;
  /** Consumed from this lot by every lot made from it. */
  totalConsumed: number;
  remaining: number;
  overConsumed: boolean;
}

/** A transformation: a lot made from input lots. */
export interface Transformation {
  output: { lotId: string; product: string; quantity: number; unit: string };
  inputs: ReconciledInput[];
  /** Output over the summed inputs, when all share the output's unit; else null. */
  yieldRatio: number | null;
  status: 'balanced' | 'over-consumed' | 'output-exceeds-inputs';
  explanation: string;
}

export interface DossierAnomaly {
  type: string;
  detail: string;
  explanation: string;
  eventIds: string[];
  lotIds: string[];
}

export interface LedgerEntry {
  eventId: string;
  lotId: string;
  link: number;
  txId: string;
  recordedAt: string;
  blockNumber: number | null;
  blockHash: string | null;
}

export interface DossierModel {
  format: typeof DOSSIER_FORMAT;
  generatedAt: string;
  ledger: { height: number | null; blockHash: string | null };
  policy: string;
  lot: ProvenanceAnswer['lot'];
  importerOfRecord: string | null;
  summary: {
    origins: string[];
    linksCovered: number;
    linksRequired: number;
    evidencePresent: number;
    evidenceRequired: number;
    timelinessComplianceRate: number | null;
    anomalies: number;
    exactMatches: number;
    nearMatches: number;
    highRiskFacilities: number;
    sectors: string[];
    transformations: number;
    transformationsFlagged: number;
    sentences: string[];
  };
  parties: DossierParty[];
  steps: DossierStep[];
  exhibits: Exhibit[];
  missing: MissingEvidence[];
  reconciliation: Transformation[];
  anomalies: DossierAnomaly[];
  timeliness: Timeliness | null;
  screening: ScreeningResult;
  ledgerAppendix: LedgerEntry[];
}

const ANOMALY_EXPLANATION: Record<string, string> = {
  'out-of-order': 'An event is dated earlier than an event of a previous link: the recorded sequence of the chain is not the physical one.',
  'impossible-travel': 'Two located events are further apart than the goods could have travelled in the time between them.',
  'foreign-epc': 'An RFID read saw a tag that belongs to no lot of this family: goods may have been mixed or substituted.',
  'after-delivery': 'An event was recorded after the lot’s final delivery.',
  'outside-custody': 'An organisation recorded an event while it did not hold the lot.',
  'double-containment': 'The lot was recorded inside two containers at the same time.',
  'over-consumption': 'More was consumed from an input lot than its registered quantity: the outputs cannot all come from it.',
  'late-entry-data': 'The entry and clearance data reached the ledger less than 24 hours before the goods arrived (ACE asks for them ahead of arrival).',
};

/** Relative slack for comparing decimal quantities. */
const EPSILON = 1e-9;

const pct = (n: number | null): string => (n === null ? 'not measurable' : `${String(Math.round(n * 1000) / 10)}%`);

/** Builds the dossier model. */
export function buildDossierModel(input: {
  provenance: ProvenanceAnswer;
  screening: ScreeningResult;
  ledger: LedgerFacts;
  generatedAt: string;
  /** Postal address by MSP id (organisation profiles). */
  addresses?: ReadonlyMap<string, string | null>;
}): DossierModel {
  const p = input.provenance;
  const steps: DossierStep[] = [];
  const exhibits: Exhibit[] = [];
  const stepOfLotLink = new Map<string, number>();

  // Upstream lots first, deepest first, so the flow chart reads from raw material to the lot.
  const ordered = postOrder(p.upstream);
  const upstreamMissing: MissingEvidence[] = [];
  for (const n of ordered) {
    const step = inputLotStep(n, steps.length + 1, exhibits);
    stepOfLotLink.set(n.lot.lotId, step.number);
    upstreamMissing.push(...step.missing);
    steps.push(step);
  }
  for (const l of p.links) {
    const step = linkStep(p, l, steps.length + 1, exhibits);
    stepOfLotLink.set(`${p.lot.lotId}#${String(l.link)}`, step.number);
    steps.push(step);
  }
  connectSteps(steps, consumersOf(p), p.lot.lotId, stepOfLotLink);

  const missing = [...(p.evidence?.missing ?? []), ...upstreamMissing];
  const reconciliation = reconcile(p);
  const anomalies = anomaliesOf(p);
  const parties = partiesOf(p, steps, input.addresses ?? new Map());
  const origins = [...new Set([p.lot.originCountry, ...ordered.filter((n) => n.upstream.length === 0).map((n) => n.lot.originCountry)])].sort();
  const evidence = totalEvidence(p.evidence, ordered);
  const flagged = reconciliation.filter((t) => t.status !== 'balanced').length;
  const ledgerAppendix = ledgerAppendixOf(exhibits, input.ledger);
  const s = input.screening;
  const summary: DossierModel['summary'] = {
    origins, linksCovered: p.completeness.covered, linksRequired: p.completeness.required,
    evidencePresent: evidence.present, evidenceRequired: evidence.required,
    timelinessComplianceRate: p.timeliness?.complianceRate ?? null, anomalies: anomalies.length,
    exactMatches: s.exactMatches.length, nearMatches: s.nearMatches.length, highRiskFacilities: s.highRiskFacilities.length,
    sectors: [...new Set(s.sectors.map((x) => x.sector))], transformations: reconciliation.length, transformationsFlagged: flagged,
    sentences: [],
  };
  summary.sentences = sentencesOf(p, summary, s, missing.length);
  return {
    format: DOSSIER_FORMAT, generatedAt: input.generatedAt, ledger: { height: input.ledger.height, blockHash: input.ledger.blockHash },
    policy: p.evidence?.policy ?? 'cbp-uflpa-2023', lot: p.lot, importerOfRecord: p.lot.importerMsp,
    summary, parties, steps, exhibits, missing, reconciliation, anomalies, timeliness: p.timeliness, screening: s, ledgerAppendix,
  };
}

/** The consumer of every upstream lot (by lot id): the lot it went into. */
function consumersOf(p: ProvenanceAnswer): Map<string, string> {
  const consumerOf = new Map<string, string>();
  const walk = (nodes: readonly UpstreamNode[], consumer: string): void => {
    for (const n of nodes) {
      consumerOf.set(n.lot.lotId, consumer);
      walk(n.upstream, n.lot.lotId);
    }
  };
  walk(p.upstream, p.lot.lotId);
  return consumerOf;
}

/** The step of an upstream lot, its events' exhibits added. */
function inputLotStep(n: UpstreamNode, number: number, exhibits: Exhibit[]): DossierStep {
  const events = (n.links ?? []).flatMap((l) => l.events as ProvenanceEventAnswer[]);
  return {
    number, kind: 'input-lot', lotId: n.lot.lotId, link: null,
    title: `Input lot ${n.lot.lotId}: ${n.lot.product} (${n.lot.originCountry}), ${String(n.quantityConsumed)} ${n.unit} consumed`,
    organisations: [...new Set([n.lot.ownerMsp, ...events.map((e) => e.recordedBy)])].sort(),
    facilities: facilitiesOf(events), covered: n.completeness.covered > 0, feeds: [],
    events: events.length, firstSeen: events[0]?.eventTime ?? null, lastSeen: events[events.length - 1]?.eventTime ?? null,
    exhibits: addExhibits(exhibits, number, events), missing: n.evidence?.missing ?? [], containers: [],
  };
}

/** The step of one link of the lot, its events' exhibits added. */
function linkStep(p: ProvenanceAnswer, l: ProvenanceAnswer['links'][number], number: number, exhibits: Exhibit[]): DossierStep {
  const events = l.events;
  return {
    number, kind: 'link', lotId: p.lot.lotId, link: l.link, title: `${String(l.link)}. ${titleOf(l.name)}`,
    organisations: [...l.organisations], facilities: facilitiesOf(events), covered: l.covered, feeds: [],
    events: events.length, firstSeen: l.firstSeen, lastSeen: l.lastSeen,
    exhibits: addExhibits(exhibits, number, events),
    missing: (p.evidence?.missing ?? []).filter((m) => m.link === l.link),
    containers: containersDuring(events),
  };
}

/** Edges: links in order; an input lot feeds its consumer's first link (root) or its consumer's step. */
function connectSteps(steps: readonly DossierStep[], consumerOf: ReadonlyMap<string, string>, rootLotId: string, stepOfLotLink: ReadonlyMap<string, number>): void {
  const linkSteps = steps.filter((s) => s.kind === 'link');
  linkSteps.forEach((s, i) => {
    const next = linkSteps[i + 1];
    if (next) s.feeds.push(next.number);
  });
  for (const s of steps.filter((x) => x.kind === 'input-lot')) {
    const consumer = consumerOf.get(s.lotId) as string;
    const target = consumer === rootLotId ? linkSteps[0]?.number : stepOfLotLink.get(consumer);
    if (target !== undefined) s.feeds.push(target);
  }
}

/** The provenance's anomalies, explained, and late entry data as one more. */
function anomaliesOf(p: ProvenanceAnswer): DossierAnomaly[] {
  const anomalies: DossierAnomaly[] = p.anomalies.map((a: Anomaly) => ({
    type: a.type, detail: a.detail, explanation: ANOMALY_EXPLANATION[a.type] ?? a.type, eventIds: [...a.eventIds], lotIds: [...(a.lotIds ?? [])],
  }));
  if (p.timeliness?.lateEntryData) {
    anomalies.push({
      type: 'late-entry-data',
      detail: p.timeliness.entryLeadHours === null
        ? 'the lot arrived (link 11) with no entry or clearance document on the ledger'
        : `the last entry or clearance document reached the ledger ${String(p.timeliness.entryLeadHours)} h before arrival (policy: 24 h)`,
      explanation: ANOMALY_EXPLANATION['late-entry-data'] as string, eventIds: [], lotIds: [p.lot.lotId],
    });
  }
  return anomalies;
}

/** One row per event exhibit: where its transaction is on the ledger. */
function ledgerAppendixOf(exhibits: readonly Exhibit[], ledger: LedgerFacts): DossierModel['ledgerAppendix'] {
  return exhibits.filter((x) => x.kind === 'event').map((x) => ({
    eventId: x.eventId, lotId: x.lotId, link: x.link, txId: x.txId, recordedAt: x.recordedAt, blockNumber: x.blockNumber,
    blockHash: x.blockNumber === null ? null : (ledger.blockHashes.get(x.blockNumber) ?? null),
  }));
}

/** Every event of the provenance, the upstream lots' included. */
function allEvents(p: Pick<ProvenanceAnswer, 'links' | 'upstream'>): ProvenanceEvent[] {
  return [...p.links.flatMap((l) => l.events), ...postOrder(p.upstream).flatMap((n) => (n.links ?? []).flatMap((l) => l.events))];
}

/** Every registered facility the provenance's events name, the upstream lots' included (for screening). */
export function facilitiesIn(p: Pick<ProvenanceAnswer, 'links' | 'upstream'>): FacilityRef[] {
  return [...new Map(allEvents(p).flatMap((e) => (e.facility ? [[e.facility.gln, e.facility] as const] : []))).values()];
}

/** GLNs events name without a resolved facility (upstream lots' events carry none). */
export function unresolvedGlns(p: Pick<ProvenanceAnswer, 'links' | 'upstream'>): string[] {
  return [...new Set(allEvents(p).flatMap((e) => (!e.facility && e.location?.gln ? [e.location.gln] : [])))].sort();
}

/** Upstream nodes, inputs before the lots made from them. */
function postOrder(nodes: readonly UpstreamNode[]): UpstreamNode[] {
  return nodes.flatMap((n) => [...postOrder(n.upstream), n]);
}

const titleOf = (name: string): string => name.split('-').map((w) => (w === 'us' ? 'US' : (w[0]?.toUpperCase() ?? '') + w.slice(1))).join(' ');

function facilitiesOf(events: readonly ProvenanceEventAnswer[]): string[] {
  const out = new Set<string>();
  for (const e of events) {
    if (e.facility) out.add(`${e.facility.name} (GLN ${e.facility.gln}${e.facility.subdivision ? `, ${e.facility.subdivision}` : `, ${e.facility.country}`})`);
    else if (e.location?.gln) out.add(`GLN ${e.location.gln}`);
  }
  return [...out].sort();
}

function addExhibits(exhibits: Exhibit[], step: number, events: readonly ProvenanceEventAnswer[]): number[] {
  const numbers: number[] = [];
  for (const e of events) {
    const base = exhibitBase(step, e);
    const eventNumber = exhibits.length + 1;
    exhibits.push({ ...base, number: eventNumber, kind: 'event', type: e.correctionOf ? `${e.kind} (correction of ${e.correctionOf})` : e.kind, sha256: null, uri: null });
    numbers.push(eventNumber);
    for (const d of e.evidence) {
      const n = exhibits.length + 1;
      exhibits.push({ ...base, number: n, kind: 'document', type: d.type, sha256: d.sha256, uri: d.uri ?? null });
      numbers.push(n);
    }
  }
  return numbers;
}

/** What an event's exhibit and its documents' exhibits share. */
function exhibitBase(step: number, e: ProvenanceEventAnswer): Omit<Exhibit, 'number' | 'kind' | 'type' | 'sha256' | 'uri'> {
  return {
    step, lotId: e.lotId, link: e.link, linkName: LINKS[e.link - 1]?.name ?? String(e.link), eventId: e.eventId, eventKind: e.kind,
    eventTime: e.eventTime, recordedBy: e.recordedBy, recordedAt: e.recordedAt, txId: e.txId, blockNumber: e.blockNumber ?? null,
    facility: e.facility ? `${e.facility.name} (${e.facility.gln})` : (e.location?.gln ?? null),
  };
}

/** Containers whose stay overlaps the step's events (by their parent lot id; nested ones included). */
function containersDuring(events: readonly ProvenanceEventAnswer[]): string[] {
  return [...new Set(events.flatMap((e) => (e.viaLotId ? [e.viaLotId] : [])))].sort();
}

/** Every transformation in the tree: the lot's own inputs, and each upstream lot's. */
export function reconcile(p: Pick<ProvenanceAnswer, 'lot' | 'upstream'>): Transformation[] {
  const out: Transformation[] = [];
  const visit = (output: Transformation['output'], nodes: readonly UpstreamNode[]): void => {
    if (nodes.length === 0) return;
    const inputs = nodes.map(reconciledInput);
    const sameUnit = inputs.every((i) => i.unit === output.unit);
    const inputSum = inputs.reduce((sum, i) => sum + i.quantityConsumed, 0);
    const yieldRatio = sameUnit && inputSum > 0 ? Math.round((output.quantity / inputSum) * 1000) / 1000 : null;
    const { status, explanation } = transformationVerdict(output, inputs, { sameUnit, inputSum, yieldRatio });
    out.push({ output, inputs, yieldRatio, status, explanation });
    for (const n of nodes) visit({ lotId: n.lot.lotId, product: n.lot.product, quantity: n.lot.quantity, unit: n.lot.unit }, n.upstream);
  };
  visit({ lotId: p.lot.lotId, product: p.lot.product, quantity: p.lot.quantity, unit: p.lot.unit }, p.upstream);
  return out;
}

/** One input of a transformation: what was consumed of it, and whether its lot holds that much. */
function reconciledInput(n: UpstreamNode): Transformation['inputs'][number] {
  const remaining = n.lot.quantity - n.totalConsumed;
  return {
    lotId: n.lot.lotId, product: n.lot.product, quantityConsumed: n.quantityConsumed, unit: n.unit, lotQuantity: n.lot.quantity,
    totalConsumed: n.totalConsumed, remaining: Math.round(remaining * 1e6) / 1e6, overConsumed: n.totalConsumed > n.lot.quantity * (1 + EPSILON),
  };
}

/** Whether a transformation balances, and why (over-consumed inputs first, then more output than input). */
function transformationVerdict(
  output: Transformation['output'],
  inputs: Transformation['inputs'],
  totals: { sameUnit: boolean; inputSum: number; yieldRatio: number | null },
): Pick<Transformation, 'status' | 'explanation'> {
  const { sameUnit, inputSum, yieldRatio } = totals;
  const over = inputs.filter((i) => i.overConsumed);
  if (over.length > 0) {
    return {
      status: 'over-consumed',
      explanation: over.map((i) => `${i.lotId} registered ${String(i.lotQuantity)} ${i.unit} but ${String(i.totalConsumed)} ${i.unit} are consumed from it`).join('; ') + '.',
    };
  }
  if (yieldRatio !== null && yieldRatio > 1 + EPSILON) {
    return { status: 'output-exceeds-inputs', explanation: `${String(output.quantity)} ${output.unit} out of ${String(inputSum)} ${output.unit} in: more output than input.` };
  }
  const explanation = sameUnit
    ? `${String(output.quantity)} ${output.unit} made from ${String(inputSum)} ${output.unit} of inputs (yield ${String(yieldRatio ?? '-')}); every input lot holds what was consumed.`
    : `${String(output.quantity)} ${output.unit} made from ${inputs.map((i) => `${String(i.quantityConsumed)} ${i.unit} of ${i.lotId}`).join(', ')}; every input lot holds what was consumed.`;
  return { status: 'balanced', explanation };
}

function totalEvidence(root: EvidenceCompleteness | null, upstream: readonly UpstreamNode[]): { required: number; present: number } {
  let required = root?.required ?? 0;
  let present = root?.present ?? 0;
  for (const n of upstream) {
    required += n.evidence?.required ?? 0;
    present += n.evidence?.present ?? 0;
  }
  return { required, present };
}

/** A party as the dossier lists it, from what the provenance knows of it (if anything), before its involvement is added. */
function newParty(mspId: string, known: ProvenanceAnswer['parties'][number] | undefined, address: string | null): DossierParty {
  return {
    mspId, legalName: known?.legalName ?? null, country: known?.country ?? null, roles: [...(known?.roles ?? [])],
    facilities: [...(known?.facilities ?? [])], address, involvement: [], steps: [],
  };
}

function partiesOf(p: ProvenanceAnswer, steps: readonly DossierStep[], addresses: ReadonlyMap<string, string | null>): DossierParty[] {
  const byMsp = new Map<string, DossierParty>();
  const ensure = (mspId: string): DossierParty => {
    let party = byMsp.get(mspId);
    if (!party) {
      party = newParty(mspId, p.parties.find((x) => x.mspId === mspId), addresses.get(mspId) ?? null);
      byMsp.set(mspId, party);
    }
    return party;
  };
  const involve = (mspId: string, what: string): void => {
    const party = ensure(mspId);
    if (!party.involvement.includes(what)) party.involvement.push(what);
  };
  for (const x of p.parties) ensure(x.mspId);
  involve(p.lot.ownerMsp, 'owner of the lot');
  if (p.lot.importerMsp) involve(p.lot.importerMsp, 'importer of record');
  for (const c of p.custody) involve(c.mspId, 'custodian');
  for (const s of steps) {
    for (const o of s.organisations) {
      ensure(o).steps.push(s.number);
      involve(o, s.kind === 'link' ? 'recorded events' : 'supplied an input lot');
    }
  }
  return [...byMsp.values()].sort((a, b) => a.mspId.localeCompare(b.mspId));
}

/** The executive summary's sentences, one per topic. */
function sentencesOf(p: ProvenanceAnswer, s: DossierModel['summary'], screening: ScreeningResult, missingCount: number): string[] {
  return [
    `Lot ${p.lot.lotId} (${p.lot.product}, HTS ${p.lot.htsCode}, ${String(p.lot.quantity)} ${p.lot.unit}) originates in ${p.lot.originCountry}; its raw materials come from ${s.origins.join(', ')}.`,
    coverageSentence(p, s),
    evidenceSentence(p, s, missingCount),
    timelinessSentence(p, s),
    anomaliesSentence(s),
    screeningSentence(p, s, screening),
    reconciliationSentence(s),
  ];
}

function coverageSentence(p: ProvenanceAnswer, s: DossierModel['summary']): string {
  const missing = p.completeness.missing.length > 0 ? `; missing: ${p.completeness.missing.join(', ')}` : '';
  return `The ledger covers ${String(s.linksCovered)} of ${String(s.linksRequired)} supply-chain links${missing}.`;
}

function evidenceSentence(p: ProvenanceAnswer, s: DossierModel['summary'], missingCount: number): string {
  const missing = missingCount > 0 ? `; ${String(missingCount)} are missing, each listed with the party expected to supply it` : '';
  return `Evidence: ${String(s.evidencePresent)} of ${String(s.evidenceRequired)} required documents are on the ledger under policy ${p.evidence?.policy ?? 'cbp-uflpa-2023'}${missing}.`;
}

function timelinessSentence(p: ProvenanceAnswer, s: DossierModel['summary']): string {
  const leadHours = p.timeliness?.entryLeadHours;
  const lead = leadHours != null ? `; entry data were on the ledger ${String(leadHours)} h before arrival` : '';
  const late = p.timeliness?.lateEntryData ? ' (late entry data)' : '';
  return `Timeliness: ${pct(s.timelinessComplianceRate)} of events were recorded within the policy window${lead}${late}.`;
}

function anomaliesSentence(s: DossierModel['summary']): string {
  if (s.anomalies === 0) return 'No anomalies were detected.';
  return `${String(s.anomalies)} anomal${s.anomalies === 1 ? 'y was' : 'ies were'} detected, each explained in the Anomalies section.`;
}

function screeningSentence(p: ProvenanceAnswer, s: DossierModel['summary'], screening: ScreeningResult): string {
  const lists = screening.lists.map((l) => l.name).join(', ') || 'none uploaded';
  const sectors = s.sectors.length > 0 ? `in the high-priority sector(s) ${s.sectors.join(', ')}` : 'in no high-priority sector';
  return `Screening against ${lists}: ${String(s.exactMatches)} exact and ${String(s.nearMatches)} near match${s.nearMatches === 1 ? '' : 'es'}; ${String(s.highRiskFacilities)} facilit${s.highRiskFacilities === 1 ? 'y' : 'ies'} in a high-risk region (${screening.highRiskSubdivisions.join(', ')}); HTS ${p.lot.htsCode} is ${sectors}.`;
}

function reconciliationSentence(s: DossierModel['summary']): string {
  if (s.transformations === 0) return 'The lot was registered without input lots: there is no transformation to reconcile.';
  const flagged = s.transformationsFlagged > 0 ? `; ${String(s.transformationsFlagged)} do not` : '';
  return `Quantity reconciliation: ${String(s.transformations - s.transformationsFlagged)} of ${String(s.transformations)} transformation${s.transformations === 1 ? '' : 's'} reconcile${flagged}.`;
}
