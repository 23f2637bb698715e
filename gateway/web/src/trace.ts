// Who held the lot, what it was packed in, what it was made from and who took part: the trace
// beside the 12-link timeline (custody.ts, upstream.ts, parties.ts).
import './trace.css';
import { renderCustodyAndContainment } from './custody';
import { h } from './dom';
import { renderParties } from './parties';
import { renderUpstream } from './upstream';
import type { Provenance } from './types';

/** The trace sections of an answer, in one grid. */
export function renderTrace(p: Provenance): HTMLElement {
  return h('div', { class: 'trace-grid', id: 'trace' }, renderCustodyAndContainment(p), renderUpstream(p), renderParties(p));
}

/** The lot id an address names (`#q=<lotId>`), for following an input lot's link; null for other anchors. */
export function queryOfHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('q');
}
