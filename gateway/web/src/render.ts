// Composes the provenance answer: lot summary, completeness, anomalies, map and timeline.
import { ApiError } from './api';
import { h } from './dom';
import { renderMap } from './map';
import { renderAnomalies, renderCompleteness, renderTimeline } from './timeline';
import { renderTrace } from './trace';
import type { Provenance } from './types';

function summary(p: Provenance, query: string): HTMLElement {
  const lot = p.lot;
  const row = (label: string, value: Node | string, id?: string): HTMLElement =>
    h('div', { class: 'field' }, h('dt', {}, label), h('dd', id ? { id } : {}, value));
  return h(
    'section',
    { class: 'summary card', 'aria-labelledby': 'lot-heading', id: 'summary' },
    h('h2', { id: 'lot-heading', tabindex: -1 }, lot.product || lot.lotId),
    h(
      'dl',
      { class: 'lot-fields' },
      row('Lot', h('code', {}, lot.lotId), 'lot-id'),
      query.trim() !== lot.lotId ? row('Searched', h('code', {}, query.trim())) : null,
      row('Product', lot.product || '—', 'lot-product'),
      row('HTS code', lot.htsCode || '—', 'lot-hts'),
      row('Origin', lot.originCountry || '—', 'lot-origin'),
      row('Owner', lot.ownerMsp || '—', 'lot-owner'),
      lot.importerMsp ? row('Importer', lot.importerMsp) : null,
      lot.quantity !== undefined ? row('Quantity', `${lot.quantity} ${lot.unit ?? ''}`.trim()) : null,
      row(
        'Parent chain',
        lot.parentChain?.length
          ? h('ol', { class: 'parent-chain' }, lot.parentChain.map((id) => h('li', {}, h('code', {}, id))))
          : 'none (not packed into a pallet or container)',
        'lot-parents',
      ),
      p.detail === 'summary' ? row('Detail', 'summary only: this key may not see event details') : null,
    ),
    h(
      'p',
      { class: 'answered' },
      `Answered ${new Date().toLocaleString()}`,
      typeof p.queryMs === 'number' ? ` in ${p.queryMs} ms` : '',
      '. Every event below carries the ledger transaction id that proves it.',
    ),
  );
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
  const side = h('div', { class: 'side' }, renderCompleteness(p), renderAnomalies(p), mapSection);
  targets.result.replaceChildren(
    summary(p, query),
    renderTrace(p),
    h('div', { class: 'result-grid' }, side, renderTimeline(p, fresh)),
  );
  targets.actions.hidden = false;
  try {
    await renderMap(p, mapBox);
  } catch (err) {
    mapBox.replaceChildren(h('p', { class: 'none' }, `The map could not be drawn: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/** A person's sentence for an error from the API. */
export function errorMessage(err: unknown, query?: string): { title: string; detail: string } {
  if (err instanceof ApiError) {
    const detail = [err.detail, ...err.errors.map((e) => `${e.path}: ${e.message}`)].filter(Boolean).join(' ');
    switch (err.status) {
      case 401:
        return { title: 'API key refused', detail: detail || 'The gateway did not accept this API key. Check it and sign in again.' };
      case 403:
        return { title: 'Not allowed', detail: detail || 'This key may not read the provenance of this lot.' };
      case 404:
        return {
          title: query ? `No such lot: ${query.trim()}` : 'No such lot',
          detail: detail || 'No lot or EPC with this id is on the ledger.',
        };
      case 400:
        return { title: 'Not a valid lot id or EPC', detail: detail || err.title };
      case 429:
        return { title: 'Too many requests', detail: detail || 'Wait a moment and try again.' };
      case 503:
        return { title: 'Ledger unreachable', detail: detail || 'The gateway cannot reach the ledger just now. Try again shortly.' };
      default:
        return { title: err.title || `Error ${err.status}`, detail };
    }
  }
  return { title: 'Something went wrong', detail: err instanceof Error ? err.message : String(err) };
}

export function renderError(box: HTMLElement, err: { title: string; detail: string }): void {
  box.replaceChildren(h('p', { class: 'error-title' }, h('strong', {}, err.title)), err.detail ? h('p', { class: 'error-detail' }, err.detail) : '');
  box.hidden = false;
}
