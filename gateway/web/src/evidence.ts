// Evidence completeness per link (the chaincode's evidence policy), timeliness, and the CBP dossier download.
import type { ApiClient } from './api';
import { h, saveBlob } from './dom';
import type { Provenance } from './types';

const pct = (n: number | null | undefined): string => (n == null ? 'n/a' : `${String(Math.round(n * 1000) / 10)}%`);

/** The evidence section: required / present per link, each missing document with who should supply it. */
export function renderEvidence(p: Provenance): HTMLElement {
  const section = h('section', { class: 'evidence card', id: 'evidence', 'aria-labelledby': 'evidence-heading' }, h('h3', { id: 'evidence-heading' }, 'Evidence'));
  const e = p.evidence;
  if (!e) {
    section.append(h('p', { class: 'none' }, 'Evidence completeness is shown to readers of the full provenance.'));
    return section;
  }
  section.append(
    h('p', { class: 'evidence-total', 'data-present': String(e.present), 'data-required': String(e.required) },
      `${String(e.present)} of ${String(e.required)} required documents (policy ${e.policy}).`),
  );
  const rows = e.links.filter((l) => l.required.length > 0).map((l) => {
    const missing = e.missing.filter((m) => m.link === l.link);
    return h('tr', { 'data-link': String(l.link), class: missing.length > 0 ? 'incomplete' : 'complete' },
      h('th', { scope: 'row' }, `${String(l.link)}. ${l.name}`),
      h('td', {}, `${String(l.present.length)}/${String(l.required.length)}`),
      h('td', {}, missing.length === 0 ? '—' : h('ul', {}, ...missing.map((m) => h('li', { class: 'missing-doc' }, `${m.type} — from ${m.expectedFrom.join(', ')}`)))));
  });
  section.append(h('table', { class: 'evidence-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Link'), h('th', { scope: 'col' }, 'Documents'), h('th', { scope: 'col' }, 'Missing, expected from'))),
    h('tbody', {}, ...rows)));
  const t = p.timeliness;
  if (t) {
    section.append(h('p', { class: 'timeliness', 'data-late-entry': String(t.lateEntryData) },
      `Timeliness: ${pct(t.complianceRate)} of events recorded within the window` +
      (t.entryLeadHours === null ? '' : `; entry data ${String(t.entryLeadHours)} h before arrival`) +
      (t.lateEntryData ? ' — late entry data.' : '.')));
  }
  return section;
}

/** Downloads the lot's CBP review dossier (GET /v1/lots/{lotId}/dossier, PDF). */
export async function downloadDossier(client: ApiClient, lotId: string): Promise<void> {
  const blob = await client.blob(`/v1/lots/${encodeURIComponent(lotId)}/dossier?format=pdf`);
  saveBlob(blob, `dossier-${lotId}.pdf`);
}
