// Proof of a lot: "Download proof" saves the acetrace-proof/1 bundle exactly as the gateway sent it
// (an outsider checks it with `npx acetrace-verify`), and each shown event gets a mark from the
// verifier's report. The verifier needs node:crypto, so the report is computed on the gateway
// (GET /v1/lots/{id}/proof?verify=true runs the same verifyBundle the command runs); the page says so.
import type { Report } from '@acetrace/verify';
import type { ApiClient } from './api';
import { fileStamp, h, saveBlob } from './dom';

const proofPath = (lotId: string, verify: boolean): string => `/v1/lots/${encodeURIComponent(lotId)}/proof${verify ? '?verify=true' : ''}`;

/** Saves the lot's proof bundle, byte for byte as received. */
export async function downloadProof(client: ApiClient, lotId: string): Promise<void> {
  const text = await client.text(proofPath(lotId, false));
  saveBlob(new Blob([text], { type: 'application/json' }), `proof-${lotId}-${fileStamp()}.json`);
}

/** The verifier's report on the lot's bundle, computed on the gateway. */
export function verifyLot(client: ApiClient, lotId: string): Promise<Report> {
  return client.get<Report>(proofPath(lotId, true));
}

/** Marks each shown event with its verdict: ✓ verified, or ✗ and the failed checks. Returns how many passed. */
export function markEvents(result: HTMLElement, report: Report): { verified: number; failed: number } {
  const byId = new Map(report.events.map((e) => [e.eventId, e]));
  let verified = 0;
  let failed = 0;
  result.querySelectorAll<HTMLElement>('li[data-event-id]').forEach((li) => {
    li.querySelector('.proof-mark')?.remove();
    const ev = byId.get(li.dataset.eventId ?? '');
    if (!ev) return;
    const ok = ev.ok && report.ledger.every((c) => c.ok);
    const bad = [...report.ledger, ...ev.checks].filter((c) => !c.ok);
    if (ok) verified++;
    else failed++;
    const mark = h(
      'span',
      {
        class: `badge proof-mark ${ok ? 'ok' : 'danger'}`,
        'data-verified': String(ok),
        title: ok
          ? `All 7 checks passed (block ${ev.blockNumber}, tx ${String(ev.txIndex)}); computed by the verifier's logic on the gateway`
          : bad.map((c) => `${c.check}: ${c.detail}`).join('\n'),
      },
      ok ? '✓ verified' : `✗ not verified (${bad.map((c) => c.check).join(', ')})`,
    );
    (li.firstElementChild ?? li).append(' ', mark);
  });
  return { verified, failed };
}
