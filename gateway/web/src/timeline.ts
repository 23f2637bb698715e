// The 12-link timeline, the completeness meter and the anomaly list.
import { domId, formatTime, h } from './dom';
import { LINK_NAMES, type Anomaly, type Provenance, type ProvenanceEvent, type ProvenanceLink } from './types';

const ANOMALY_LABEL: Record<string, string> = {
  'out-of-order': 'Out of order',
  'impossible-travel': 'Impossible travel',
  'foreign-epc': 'Foreign EPC',
  'after-delivery': 'After delivery',
  'outside-custody': 'Outside custody',
  'double-containment': 'Double containment',
  'over-consumption': 'Over-consumption',
};

const ANOMALY_EXPLANATION: Record<string, string> = {
  'out-of-order': 'An event is earlier in time than an event of a previous link.',
  'impossible-travel': 'Two GPS fixes are too far apart for the time between them.',
  'foreign-epc': 'An RFID read saw a tag that does not belong to this lot.',
  'after-delivery': 'An event was recorded after the lot’s final delivery.',
  'outside-custody': 'An RFID read or GPS fix was recorded by an organisation that did not hold the lot at that time.',
  'double-containment': 'The lot was inside two containers at once.',
  'over-consumption': 'More was made from an input lot than its registered quantity.',
};

export function anomalyLabel(type: string): string {
  return ANOMALY_LABEL[type] ?? type;
}

/** What an anomaly type means, in a sentence. */
export function anomalyExplanation(type: string): string {
  return ANOMALY_EXPLANATION[type] ?? '';
}

/** eventId → the anomaly types that involve it. */
export function anomaliesByEvent(anomalies: Anomaly[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const a of anomalies) {
    for (const id of a.eventIds) {
      const list = map.get(id) ?? [];
      if (!list.includes(a.type)) list.push(a.type);
      map.set(id, list);
    }
  }
  return map;
}

export function linkName(n: number, given?: string): string {
  if (given !== undefined && given !== '') return given;
  return LINK_NAMES[n - 1] ?? `link ${String(n)}`;
}

export function human(name: string): string {
  const s = name.replace(/-/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1).replace(/\bus\b/g, 'US');
}

export function renderCompleteness(p: Provenance): HTMLElement {
  const { required, covered, missing } = p.completeness;
  const coveredNums = new Set(p.links.filter((l) => l.events.length > 0).map((l) => l.link));
  const pct = Math.round((covered / required) * 100);
  const segments = Array.from({ length: required }, (_, i) => {
    const n = i + 1;
    const name = linkName(n, p.links.find((l) => l.link === n)?.name);
    const ok = missing.length > 0 || coveredNums.size === 0 ? !missing.includes(name) : coveredNums.has(n);
    return h('li', { class: ok ? 'seg covered' : 'seg missing', title: `${String(n)}. ${name}: ${ok ? 'covered' : 'missing'}` });
  });
  return h(
    'section',
    { class: 'completeness card', 'aria-labelledby': 'completeness-heading', id: 'completeness' },
    h('h3', { id: 'completeness-heading' }, 'Completeness'),
    h(
      'div',
      {
        class: 'meter',
        id: 'completeness-meter',
        role: 'meter',
        'aria-labelledby': 'completeness-heading',
        'aria-valuemin': 0,
        'aria-valuemax': required,
        'aria-valuenow': covered,
        'aria-valuetext': `${String(covered)} of ${String(required)} links covered`,
      },
      h('ol', { class: 'segments', 'aria-hidden': 'true' }, segments),
    ),
    h(
      'p',
      { class: 'meter-text' },
      h('strong', { id: 'completeness-value' }, `${String(covered)}/${String(required)}`),
      ` links covered (${String(pct)}%)`,
    ),
    missing.length > 0
      ? h(
          'p',
          { class: 'missing-links', id: 'missing-links' },
          h('span', { class: 'badge warn' }, 'Missing'),
          ' ',
          missing.map((m, i) => [i > 0 ? ', ' : '', h('span', { class: 'missing-name' }, m)]),
        )
      : h('p', { class: 'missing-links complete', id: 'missing-links' }, 'All 12 links are covered.'),
  );
}

export function renderAnomalies(p: Provenance): HTMLElement {
  const list = p.anomalies;
  return h(
    'section',
    { class: 'anomalies card', 'aria-labelledby': 'anomalies-heading', id: 'anomalies' },
    h('h3', { id: 'anomalies-heading' }, `Anomalies (${String(list.length)})`),
    list.length === 0
      ? h('p', { class: 'none' }, 'No anomalies flagged.')
      : h(
          'ul',
          { class: 'anomaly-list' },
          list.map((a) =>
            h(
              'li',
              { class: 'anomaly', 'data-type': a.type },
              h('p', { class: 'anomaly-type' }, h('span', { class: 'badge danger' }, '⚠ ' + anomalyLabel(a.type))),
              h('p', { class: 'anomaly-detail' }, a.detail !== '' ? a.detail : (ANOMALY_EXPLANATION[a.type] ?? '')),
              a.detail && ANOMALY_EXPLANATION[a.type]
                ? h('p', { class: 'anomaly-explain' }, ANOMALY_EXPLANATION[a.type])
                : null,
              a.eventIds.length > 0
                ? h(
                    'p',
                    { class: 'anomaly-events' },
                    'Events: ',
                    a.eventIds.map((id, i) => [
                      i > 0 ? ', ' : '',
                      h('a', { href: `#${domId('ev', id)}`, class: 'event-ref' }, id),
                    ]),
                  )
                : null,
            ),
          ),
        ),
  );
}

function locationText(e: ProvenanceEvent): string {
  const loc = e.location;
  if (!loc) return '—';
  const parts: string[] = [];
  if (typeof loc.lat === 'number' && typeof loc.lon === 'number') {
    let s = `${loc.lat.toFixed(4)}, ${loc.lon.toFixed(4)}`;
    if (typeof loc.accuracyM === 'number') s += ` (±${String(loc.accuracyM)} m)`;
    parts.push(s);
  }
  if (loc.gln) parts.push(e.facility ? `${e.facility.name} (GLN ${loc.gln})` : `GLN ${loc.gln}`);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

function eventHead(e: ProvenanceEvent, flagged: string[], fresh: boolean): HTMLElement {
  return h(
    'div',
    { class: 'event-head' },
    h('time', { datetime: e.eventTime, class: 'event-time' }, formatTime(e.eventTime)),
    h('span', { class: `badge kind kind-${e.kind}` }, e.kind),
    fresh ? h('span', { class: 'badge new' }, 'new') : null,
    flagged.map((t) => h('span', { class: 'badge danger anomaly-flag' }, '⚠ ' + anomalyLabel(t))),
  );
}

function epcsField(epcs: readonly string[]): HTMLElement[] | null {
  if (epcs.length === 0) return null;
  return [h('dt', {}, `EPCs (${String(epcs.length)})`), h('dd', { class: 'epcs' }, epcs.map((x) => h('code', {}, x)))];
}

function evidenceField(evidence: ProvenanceEvent['evidence']): HTMLElement[] | null {
  if (evidence.length === 0) return null;
  const doc = (d: ProvenanceEvent['evidence'][number]): HTMLElement =>
    h('span', { class: 'doc', title: `SHA-256 ${d.sha256}${d.uri ? `\n${d.uri}` : ''}` }, `${d.type} `, h('code', {}, d.sha256.slice(0, 12) + '…'));
  return [h('dt', {}, 'Evidence'), h('dd', { class: 'evidence' }, evidence.map(doc))];
}

function transactionField(e: ProvenanceEvent): HTMLElement[] {
  return [
    h('dt', {}, 'Transaction'),
    h(
      'dd',
      { class: 'event-tx' },
      e.txId ? h('code', { class: 'txid' }, e.txId) : '—',
      e.blockNumber !== undefined && e.blockNumber !== null ? ` (block ${String(e.blockNumber)})` : '',
    ),
  ];
}

/** Corrects / Corrected by / Via parent, each only when set. */
function relationFields(e: ProvenanceEvent): HTMLElement[] {
  const ref = (label: string, id: string | null | undefined, link: boolean): HTMLElement[] =>
    id ? [h('dt', {}, label), h('dd', {}, link ? h('a', { href: `#${domId('ev', id)}` }, id) : id)] : [];
  return [...ref('Corrects', e.correctionOf, true), ...ref('Corrected by', e.correctedBy, true), ...ref('Via parent', e.viaLotId, false)];
}

/** One event card of the timeline (`flagged`: the anomaly types naming it). */
export function renderEvent(e: ProvenanceEvent, flagged: string[] | undefined, fresh: boolean): HTMLElement {
  const cls = ['event', `kind-${e.kind}`];
  if (flagged) cls.push('anomalous');
  if (fresh) cls.push('fresh');
  return h(
    'li',
    { class: cls.join(' '), id: domId('ev', e.eventId), 'data-event-id': e.eventId, tabindex: -1 },
    eventHead(e, flagged ?? [], fresh),
    h(
      'dl',
      { class: 'event-fields' },
      h('dt', {}, 'Event'),
      h('dd', {}, h('code', {}, e.eventId)),
      h('dt', {}, 'Organisation'),
      h('dd', { class: 'event-org' }, e.recordedBy),
      h('dt', {}, 'Location'),
      h('dd', { class: 'event-location' }, locationText(e)),
      e.deviceId ? [h('dt', {}, 'Device'), h('dd', {}, e.deviceId)] : null,
      epcsField(e.epcs),
      evidenceField(e.evidence),
      transactionField(e),
      relationFields(e),
    ),
  );
}

/** The link's organisations, else those that recorded its events. */
function organisationsOf(link: ProvenanceLink | undefined, events: readonly ProvenanceEvent[]): string[] {
  if (link !== undefined && link.organisations.length > 0) return link.organisations;
  return [...new Set(events.map((e) => e.recordedBy).filter(Boolean))];
}

function linkMeta(link: ProvenanceLink | undefined, events: readonly ProvenanceEvent[], covered: boolean): HTMLElement {
  if (!covered) return h('p', { class: 'link-meta' }, 'No event recorded for this link.');
  if (events.length === 0) return h('p', { class: 'link-meta' }, 'Covered; event details are not shown to this key.');
  const orgs = organisationsOf(link, events);
  const { firstSeen: first, lastSeen: last } = link ?? { firstSeen: null, lastSeen: null };
  return h(
    'p',
    { class: 'link-meta' },
    orgs.length ? `Recorded by ${orgs.join(', ')}` : '',
    first !== null ? ` · first seen ${formatTime(first)}` : '',
    last !== null && last !== first ? ` · last seen ${formatTime(last)}` : '',
  );
}

/** Number, name, phase and, when `covered` (an event count), the count; else "Missing". */
export function linkHead(n: number, name: string, phase: string | undefined, covered: number | undefined): HTMLElement {
  return h(
    'div',
    { class: 'link-head' },
    h('span', { class: 'link-num', 'aria-hidden': 'true' }, n),
    h('h4', { class: 'link-name' }, h('span', { class: 'visually-hidden' }, `Link ${String(n)}: `), human(name)),
    phase ? h('span', { class: 'link-phase' }, phase) : null,
    covered !== undefined
      ? h('span', { class: 'badge ok' }, `${String(covered)} event${covered === 1 ? '' : 's'}`)
      : h('span', { class: 'badge warn' }, 'Missing'),
  );
}

/** Link `n` of the timeline: its head, who recorded it and when, and its events. */
function renderLink(p: Provenance, n: number, flagged: Map<string, string[]>, fresh: Set<string>): HTMLElement {
  const link = p.links.find((l) => l.link === n);
  const name = linkName(n, link?.name);
  const events = [...(link?.events ?? [])].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  const covered = events.length > 0 || (p.detail === 'summary' && !p.completeness.missing.includes(name));
  return h(
    'li',
    { class: `link ${covered ? 'covered' : 'missing'}`, id: `link-${String(n)}`, 'data-link': n, 'data-name': name },
    linkHead(n, name, link?.phase, covered ? events.length : undefined),
    linkMeta(link, events, covered),
    events.length > 0 ? h('ol', { class: 'events' }, events.map((e) => renderEvent(e, flagged.get(e.eventId), fresh.has(e.eventId)))) : null,
  );
}

/** The 12 links in order, each with its time-ordered events; `fresh` marks events new since the last render. */
export function renderTimeline(p: Provenance, fresh = new Set<string>()): HTMLElement {
  const flagged = anomaliesByEvent(p.anomalies);
  const items = Array.from({ length: 12 }, (_, i) => renderLink(p, i + 1, flagged, fresh));
  return h(
    'section',
    { class: 'timeline card', 'aria-labelledby': 'timeline-heading', id: 'timeline' },
    h('h3', { id: 'timeline-heading' }, 'Timeline: the 12 supply-chain links'),
    h('ol', { class: 'links' }, items),
  );
}

export function allEventIds(p: Provenance): Set<string> {
  return new Set(p.links.flatMap((l) => l.events.map((e) => e.eventId)));
}
