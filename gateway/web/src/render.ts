// Composes the provenance answer: lot summary, completeness, anomalies, map and timeline.
import { ApiError } from './api';
import { renderEvidence } from './evidence';
import { h } from './dom';
import { renderMap, type RoutePoint } from './map';
import { renderAnomalies, renderCompleteness, renderTimeline } from './timeline';
import { renderTrace } from './trace';
import type { Provenance } from './types';

const row = (label: string, value: Node | string, id?: string): HTMLElement =>
  h('div', { class: 'field' }, h('dt', {}, label), h('dd', id ? { id } : {}, value));

/** The parent chain as a list, or a sentence when the lot was never packed. */
function parentChain(chain: readonly string[]): Node | string {
  if (chain.length === 0) return 'none (not packed into a pallet or container)';
  return h('ol', { class: 'parent-chain' }, chain.map((id) => h('li', {}, h('code', {}, id))));
}

/** The lot's fields; empty text shows as a dash, optional ones only when set. */
function lotFields(p: Pick<Provenance, 'lot' | 'detail'>, query: string): HTMLElement {
  const lot = p.lot;
  const dash = (v: string): string => (v === '' ? '—' : v);
  return h(
    'dl',
    { class: 'lot-fields' },
    row('Lot', h('code', {}, lot.lotId), 'lot-id'),
    query.trim() !== lot.lotId ? row('Searched', h('code', {}, query.trim())) : null,
    row('Product', dash(lot.product), 'lot-product'),
    row('HTS code', dash(lot.htsCode), 'lot-hts'),
    row('Origin', dash(lot.originCountry), 'lot-origin'),
    row('Owner', dash(lot.ownerMsp), 'lot-owner'),
    lot.importerMsp ? row('Importer', lot.importerMsp) : null,
    row('Quantity', `${String(lot.quantity)} ${lot.unit}`.trim()),
    row('Parent chain', parentChain(lot.parentChain), 'lot-parents'),
    p.detail === 'summary' ? row('Detail', 'summary only: this key may not see event details') : null,
  );
}

/** The lot's heading, fields and when it was answered. */
export function lotSummary(p: Pick<Provenance, 'lot' | 'detail' | 'queryMs'>, query: string): HTMLElement {
  const lot = p.lot;
  return h(
    'section',
    { class: 'summary card', 'aria-labelledby': 'lot-heading', id: 'summary' },
    h('h2', { id: 'lot-heading', tabindex: -1 }, lot.product || lot.lotId),
    lotFields(p, query),
    h(
      'p',
      { class: 'answered' },
      `Answered ${new Date().toLocaleString()}`,
      typeof p.queryMs === 'number' ? ` in ${String(p.queryMs)} ms` : '',
      '. Every event below carries the ledger transaction id that proves it.',
    ),
  );
}

/** The route card and the box the map is drawn into. */
export function mapCard(): { mapBox: HTMLElement; mapSection: HTMLElement } {
  const mapBox = h('div', { class: 'map-box', id: 'map-box' }, h('p', { class: 'none' }, 'Drawing the route…'));
  const mapSection = h(
    'section',
    { class: 'map card', 'aria-labelledby': 'map-heading', id: 'map' },
    h('h3', { id: 'map-heading' }, 'Route'),
    mapBox,
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'key key-origin', 'aria-hidden': 'true' }),
      ' origin (first located event) ',
      h('span', { class: 'key key-point', 'aria-hidden': 'true' }),
      ' GPS fix ',
      h('span', { class: 'key key-rfid', 'aria-hidden': 'true' }),
      ' RFID read ',
      h('span', { class: 'key key-anomaly', 'aria-hidden': 'true' }),
      ' involved in an anomaly. Hover a point for its event; the timeline lists them all. Outlines: Natural Earth 1:110m.',
    ),
  );
  return { mapBox, mapSection };
}

export interface RenderTargets {
  result: HTMLElement;
  actions: HTMLElement;
}

/** Replaces the result area with the answer. Resolves once the map is drawn. */
export async function renderProvenance(
  p: Provenance,
  query: string,
  targets: RenderTargets,
  fresh: Set<string>,
): Promise<void> {
  const { mapBox, mapSection } = mapCard();
  const side = h('div', { class: 'side' }, renderCompleteness(p), renderEvidence(p), renderAnomalies(p), mapSection);
  targets.result.replaceChildren(
    lotSummary(p, query),
    renderTrace(p),
    h('div', { class: 'result-grid' }, side, renderTimeline(p, fresh)),
  );
  targets.actions.hidden = false;
  await drawMap(p, mapBox);
}

/** Draws the route into its box (a summary passes its thinned points); a failure is said in the box. */
export async function drawMap(p: Pick<Provenance, 'lot' | 'anomalies'>, mapBox: HTMLElement, pts?: RoutePoint[]): Promise<void> {
  try {
    await renderMap(p, mapBox, pts);
  } catch (err) {
    mapBox.replaceChildren(h('p', { class: 'none' }, `The map could not be drawn: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/** What each status means to a person, when the gateway gave no detail. */
const STATUS_TEXT: Record<number, (err: ApiError, query?: string) => { title: string; detail: string }> = {
  401: () => ({ title: 'API key refused', detail: 'The gateway did not accept this API key. Check it and sign in again.' }),
  403: () => ({ title: 'Not allowed', detail: 'This key may not read the provenance of this lot.' }),
  404: (_err, query) => ({ title: query ? `No such lot: ${query.trim()}` : 'No such lot', detail: 'No lot or EPC with this id is on the ledger.' }),
  400: (err) => ({ title: 'Not a valid lot id or EPC', detail: err.title }),
  429: () => ({ title: 'Too many requests', detail: 'Wait a moment and try again.' }),
  503: () => ({ title: 'Ledger unreachable', detail: 'The gateway cannot reach the ledger just now. Try again shortly.' }),
};

/** A person's sentence for an error from the API. */
export function errorMessage(err: unknown, query?: string): { title: string; detail: string } {
  if (!(err instanceof ApiError)) return { title: 'Something went wrong', detail: err instanceof Error ? err.message : String(err) };
  const detail = [err.detail, ...err.errors.map((e) => `${e.path}: ${e.message}`)].filter(Boolean).join(' ');
  const known = STATUS_TEXT[err.status];
  if (known === undefined) return { title: err.title || `Error ${String(err.status)}`, detail };
  const text = known(err, query);
  return { title: text.title, detail: detail || text.detail };
}

export function renderError(box: HTMLElement, err: { title: string; detail: string }): void {
  box.replaceChildren(h('p', { class: 'error-title' }, h('strong', {}, err.title)), err.detail ? h('p', { class: 'error-detail' }, err.detail) : '');
  box.hidden = false;
}
