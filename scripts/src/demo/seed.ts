/**
 * Seeds the demo journey (./journey.ts) through a running gateway's HTTP API, as the organisations'
 * own principals: each step waits for its commit, because custody and containment checks read what
 * the previous steps wrote. Idempotent: a repeat of a lot, profile, facility, device or event is
 * answered as a repeat (200, or 201 for events already committed).
 */
import { DEMO_SCREENING_LIST, type DemoLots, type DemoOrgs, demoLots, demoSteps } from './journey';

export interface SeedOptions {
  /** Base URL of the gateway, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The API key of the principal with `role` in organisation `mspId`. */
  keyOf: (role: string, mspId: string) => string;
  orgs: DemoOrgs;
  /** Prefix of every id (default `DEMO`). */
  prefix?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface SeedResult {
  lots: DemoLots;
  /** Requests sent, and how many registrations were identical repeats (200). */
  requests: number;
  repeats: number;
  /** The screening list uploaded after the steps (as the importer's compliance officer), and its version. */
  screeningList: { name: string; sha256: string };
}

/** A refused demo request: which step, and the gateway's answer. */
export class DemoStepError extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`demo step "${step}" answered ${String(status)}: ${body.slice(0, 600)}`);
    this.name = 'DemoStepError';
  }
}

/**
 * Whether an answer counts as done: events 201 (committed, now or before); registrations 201 (new)
 * or 200 (an identical repeat). A 202 (events still pending at the wait timeout) is a failure: the
 * next steps depend on them.
 */
function outcome(path: string, status: number): 'new' | 'repeat' | 'failed' {
  if (status === 201) return 'new';
  if (status === 200 && !path.startsWith('/v1/events')) return 'repeat';
  return 'failed';
}

/**
 * Sends every step of the demo, in order.
 * @throws DemoStepError for the first step the gateway refuses (or leaves pending)
 */
export async function seedDemo(options: SeedOptions): Promise<SeedResult> {
  const prefix = options.prefix ?? 'DEMO';
  const { orgs } = options;
  if (new Set([orgs.producer, orgs.carrier, orgs.importer]).size !== 3) {
    throw new Error(`the demo needs three organisations; got ${orgs.producer}, ${orgs.carrier}, ${orgs.importer}`);
  }
  let repeats = 0;
  const steps = demoSteps(orgs, prefix);
  for (const step of steps) {
    const res = await fetch(`${options.url}${step.path}`, {
      method: step.method,
      headers: { 'content-type': 'application/json', 'x-api-key': options.keyOf(step.role, step.msp) },
      body: JSON.stringify(step.body),
    });
    const text = await res.text();
    const result = outcome(step.path, res.status);
    if (result === 'failed') throw new DemoStepError(step.what, res.status, text);
    if (result === 'repeat') repeats += 1;
    options.log?.(`  ${result === 'repeat' ? 'repeat' : 'ok    '}  ${step.what} (${step.role} of ${step.msp})`);
  }
  const screeningList = await uploadScreeningList(options, orgs.importer);
  options.log?.(`  ok      screening list ${screeningList.name} (sha256 ${screeningList.sha256.slice(0, 12)}…)`);
  return { lots: demoLots(prefix), requests: steps.length, repeats, screeningList };
}

/**
 * Uploads the demo's entity list as `importer`'s compliance officer (201 new, 200 replaced by the
 * same content, so the version stays the same on a repeat).
 * @throws DemoStepError when the gateway refuses it
 */
async function uploadScreeningList(options: SeedOptions, importer: string): Promise<{ name: string; sha256: string }> {
  const res = await fetch(`${options.url}/v1/screening/lists/${DEMO_SCREENING_LIST.name}`, {
    method: 'PUT',
    headers: { 'content-type': 'text/csv', 'x-api-key': options.keyOf('compliance', importer) },
    body: DEMO_SCREENING_LIST.csv,
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new DemoStepError('screening list', res.status, text);
  const { list } = JSON.parse(text) as { list: { name: string; sha256: string } };
  return { name: list.name, sha256: list.sha256 };
}

