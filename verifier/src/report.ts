/** The verifier's verdict: one result per check and event, and how to print it. */

/** The seven checks of proofs.md, in order; names are stable (machine output, exit messages). */
export const CHECKS = [
  'envelope-in-block',
  'header-chain',
  'orderer-signature',
  'validation-code',
  'endorsements',
  'write-set',
  'creator',
] as const;

export type CheckName = (typeof CHECKS)[number];

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  /** What was found, in a sentence. */
  detail: string;
}

export interface EventReport {
  eventId: string;
  txId: string;
  blockNumber: string;
  txIndex: number;
  ok: boolean;
  /** All seven checks, in CHECKS order. */
  checks: CheckResult[];
}

/** A failed check; `check` is `bundle` for a problem with the bundle as a whole (e.g. an uncovered subject). */
export interface Failure {
  check: CheckName | 'bundle';
  eventId?: string;
  txId?: string;
  detail: string;
}

export interface Report {
  format: string;
  ok: boolean;
  channel: string;
  chaincode: string;
  subject: { lotId?: string; eventId?: string };
  headBlock: string;
  generatedAt: string;
  /** The anchors the verdict rests on: an auditor compares these fingerprints with ones published out of band. */
  trustAnchors: Array<{ mspId: string; type: string; rootFingerprints: string[] }>;
  endorsementPolicy: string;
  /** The bundle-wide checks (header-chain, orderer-signature). */
  ledger: CheckResult[];
  events: EventReport[];
  failures: Failure[];
}

const mark = (ok: boolean): string => (ok ? '✓' : '✗');
const width = Math.max(...CHECKS.map((c) => c.length));

/** One line naming a failure: the check, then the event. */
export function describeFailure(f: Failure): string {
  const where = f.eventId !== undefined ? ` for event ${f.eventId}${f.txId ? ` (tx ${f.txId})` : ''}` : '';
  return `${f.check}${where}: ${f.detail}`;
}

/** The report as text for a person: anchors, ledger checks, ✓/✗ per check per event, a summary. */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  const subject = subjectOf(report);
  lines.push(`Proof bundle ${report.format}: channel ${report.channel}, chaincode ${report.chaincode}`);
  lines.push(`Subject: ${subject || '(none)'}; head block ${report.headBlock}; generated ${report.generatedAt}`);
  lines.push('Trust anchors (compare these fingerprints with ones you obtained independently):');
  for (const a of report.trustAnchors) {
    lines.push(`  ${a.mspId} (${a.type})`);
    for (const fp of a.rootFingerprints) lines.push(`    root SHA-256 ${fp}`);
  }
  lines.push(`Endorsement policy: ${report.endorsementPolicy}`);
  lines.push('');
  lines.push('Ledger');
  for (const c of report.ledger) lines.push(`  ${mark(c.ok)} ${c.check.padEnd(width)}  ${c.detail}`);
  for (const e of report.events) {
    lines.push('');
    lines.push(`${mark(e.ok)} Event ${e.eventId}  tx ${e.txId}  block ${e.blockNumber} #${String(e.txIndex)}`);
    for (const c of e.checks) lines.push(`  ${mark(c.ok)} ${c.check.padEnd(width)}  ${c.detail}`);
  }
  lines.push('');
  lines.push(...verdictLines(report));
  return lines.join('\n');
}

/** The bundle's subject: its lot and/or event, '' when neither. */
function subjectOf(report: Report): string {
  return [
    report.subject.lotId !== undefined ? `lot ${report.subject.lotId}` : '',
    report.subject.eventId !== undefined ? `event ${report.subject.eventId}` : '',
  ].filter(Boolean).join(', ');
}

/** The summary: VERIFIED, or NOT VERIFIED with every failure. */
function verdictLines(report: Report): string[] {
  if (report.ok) return [`VERIFIED: ${String(report.events.length)} event(s), all ${String(CHECKS.length)} checks passed for each.`];
  const passed = report.events.filter((e) => e.ok).length;
  return [
    `NOT VERIFIED: ${String(passed)} of ${String(report.events.length)} event(s) passed; ${String(report.failures.length)} failure(s):`,
    ...report.failures.map((f) => `  ✗ ${describeFailure(f)}`),
  ];
}
