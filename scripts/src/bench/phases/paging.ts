/**
 * Phase 3b: a 10,000-event lot answered without holding it whole (issue #19): the provenance
 * summary (`GET /v1/lots/{id}/provenance?view=summary`) and every link's events page by page
 * (`GET /v1/lots/{id}/links/{link}/events?pageSize&bookmark`). Measured only when the gateway has
 * those routes (a 404 on the per-link route, or a summary without `view: "summary"`, skips it).
 */
import { LINKS } from '@acetrace/chaincode';
import { event, lotInput } from '../lib/data';
import { http, httpOk } from '../lib/http';
import { log } from '../lib/log';
import type { PagingResult } from '../lib/report';
import type { Stack } from '../lib/stack';
import { sample, summarise } from '../lib/stats';
import type { Plan } from '../plan';
import { postEvents } from './measured-lots';

/** Events of the paged lot. */
export const PAGED_LOT_EVENTS = 10_000;
const PAGE_SIZE = 500;
const LOT = `M-LOT-${String(PAGED_LOT_EVENTS)}`;
const LOT_NO = 900_010;

/** Whether the gateway answers the per-link page route and the summary view (probed on `lotId`, a lot it has). */
async function pagingRoutes(stack: Stack, lotId: string): Promise<string | undefined> {
  const key = stack.key('auditor');
  const page = await http('GET', `${stack.gatewayUrl}/v1/lots/${lotId}/links/1/events?pageSize=10`, key);
  if (page.status !== 200) return `GET /v1/lots/{id}/links/{link}/events answered ${String(page.status)}`;
  const summary = await http('GET', `${stack.gatewayUrl}/v1/lots/${lotId}/provenance?view=summary`, key);
  const view = summary.status === 200 ? (JSON.parse(summary.body) as { view?: unknown }).view : undefined;
  if (view !== 'summary') return `GET /v1/lots/{id}/provenance?view=summary answered ${String(summary.status)} without view "summary"`;
  return undefined;
}

/** Walks every link's pages once; the page latencies and the events seen. */
async function walkPages(stack: Stack): Promise<{ pages: number[]; events: number }> {
  const pages: number[] = [];
  let events = 0;
  for (const { number: link } of LINKS) {
    let bookmark = '';
    do {
      const url = `${stack.gatewayUrl}/v1/lots/${LOT}/links/${String(link)}/events?pageSize=${String(PAGE_SIZE)}${bookmark === '' ? '' : `&bookmark=${encodeURIComponent(bookmark)}`}`;
      const t = performance.now();
      const r = await httpOk('GET', url, stack.key('auditor'), undefined, [200]);
      pages.push(performance.now() - t);
      const page = JSON.parse(r.body) as { events: unknown[]; bookmark: string };
      events += page.events.length;
      bookmark = page.bookmark;
    } while (bookmark !== '');
  }
  return { pages, events };
}

/** Records the 10,000-event lot through the gateway (once), then times its summary and its pages. */
export async function measurePaging(stack: Stack, plan: Plan, probeLotId: string, ledgerEvents: number, recorded: { done: boolean }): Promise<PagingResult> {
  const skipped = await pagingRoutes(stack, probeLotId);
  if (skipped !== undefined) {
    log(`  paging: skipped (${skipped})`);
    return { ledgerEvents, lotEvents: PAGED_LOT_EVENTS, skipped };
  }
  if (!recorded.done) {
    await httpOk('POST', `${stack.gatewayUrl}/v1/lots`, stack.key('supplier'), lotInput(LOT, LOT_NO, 3), [200, 201]);
    await postEvents(stack, Array.from({ length: PAGED_LOT_EVENTS }, (_, i) => event('P10K', LOT, LOT_NO, i, PAGED_LOT_EVENTS)));
    recorded.done = true;
  }
  const rssBefore = stack.memoryOf('gateway');
  const summary = await sample(async () => {
    await httpOk('GET', `${stack.gatewayUrl}/v1/lots/${LOT}/provenance?view=summary`, stack.key('auditor'), undefined, [200]);
  }, plan.samples.large, plan.samples.maxSeconds);
  const t = performance.now();
  const walk = await walkPages(stack);
  const walkMs = performance.now() - t;
  stack.sampleMemory();
  const rssAfter = stack.memoryOf('gateway');
  log(`  paging: summary p50 ${String(summarise(summary).p50Ms)} ms, ${String(walk.pages.length)} pages, ${String(walk.events)} events in ${walkMs.toFixed(0)} ms`);
  return {
    ledgerEvents,
    lotEvents: PAGED_LOT_EVENTS,
    summary: summarise(summary),
    page: summarise(walk.pages),
    pageSize: PAGE_SIZE,
    eventsSeen: walk.events,
    walkMs: Math.round(walkMs),
    gatewayRssMiB: { before: rssBefore, after: rssAfter },
  };
}
