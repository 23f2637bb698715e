// The auditor page at the scale of real lots (issue 20): from the summary view, each link shows one
// summary line and loads its events page by page when expanded; a jump-to-link index; a search over
// the events loaded so far (event id, EPC, device, document type; "load all" makes it the whole
// lot); anomalies grouped by type, each event a link that pages the timeline to it; the map draws
// the summary's thinned tracks. Print fetches the full provenance and lists every event.
import { MAX_LINK_EVENTS_PAGE_SIZE } from '@acetrace/chaincode/domain';
import type { ApiClient } from './api';
import { domId, formatTime, h } from './dom';
import { renderEvidence } from './evidence';
import type { RoutePoint } from './map';
import { drawMap, lotSummary, mapCard, type RenderTargets } from './render';
import { anomaliesByEvent, anomalyExplanation, anomalyLabel, human, linkHead, linkName, renderCompleteness, renderEvent } from './timeline';
import { renderTrace } from './trace';
import type { AnomalyGroup, Provenance, ProvenanceEvent, ProvenanceSummary } from './types';

/** Events one "Show events" or "Load more" asks for. */
const PAGE_SIZE = 100;

/** One link's loaded events and where its next page starts. */
interface LinkState {
  readonly link: number;
  readonly total: number;
  events: ProvenanceEvent[];
  bookmark: string;
  started: boolean;
  busy: Promise<void> | null;
  readonly item: HTMLElement;
  readonly list: HTMLOListElement;
  readonly toggle: HTMLButtonElement;
  readonly more: HTMLElement;
}

/** The timeline of a summary: expand links, load pages, reveal events, search what is loaded. */
export class ScaledTimeline {
  readonly #client: ApiClient;
  readonly #summary: ProvenanceSummary;
  readonly #links = new Map<number, LinkState>();
  readonly #flagged: Map<string, string[]>;
  readonly #onPage: () => void;
  readonly element: HTMLElement;

  /** @param onPage - called after each page is drawn (proof marks, status) */
  constructor(client: ApiClient, summary: ProvenanceSummary, onPage: () => void) {
    this.#client = client;
    this.#summary = summary;
    this.#flagged = anomaliesByEvent(summary.anomalies);
    this.#onPage = onPage;
    this.element = this.#render();
  }

  get lotId(): string {
    return this.#summary.lot.lotId;
  }

  /** Links whose events are shown. */
  expandedLinks(): number[] {
    return [...this.#links.values()].filter((s) => !s.list.hidden).map((s) => s.link);
  }

  /** Every event loaded so far, link by link. */
  loadedEvents(): ProvenanceEvent[] {
    return [...this.#links.values()].flatMap((s) => s.events);
  }

  /** How many events the lot shows this reader, and how many are loaded. */
  counts(): { total: number; loaded: number } {
    let total = 0;
    let loaded = 0;
    for (const s of this.#links.values()) {
      total += s.total;
      loaded += s.events.length;
    }
    return { total, loaded };
  }

  /** Shows a link's events, loading its first page when none is loaded. */
  async expand(link: number): Promise<void> {
    const s = this.#links.get(link);
    if (!s || s.total === 0) return;
    this.#setOpen(s, true);
    if (!s.started) await this.#loadPage(s, PAGE_SIZE);
  }

  /** Loads every page of every link (search over the whole lot). */
  async loadAll(): Promise<void> {
    for (const s of this.#links.values()) {
      while (s.total > 0 && (!s.started || s.bookmark !== '')) await this.#loadPage(s, MAX_LINK_EVENTS_PAGE_SIZE);
    }
  }

  /**
   * Scrolls to an event and focuses it: its link is expanded and paged until the event is loaded
   * (the summary says where anomaly events sit; map points name their link). False when not found.
   */
  async reveal(eventId: string): Promise<boolean> {
    const link = this.#linkOf(eventId);
    const s = link === undefined ? undefined : this.#links.get(link);
    if (s) {
      this.#setOpen(s, true);
      while (!s.events.some((e) => e.eventId === eventId) && (!s.started || s.bookmark !== '')) await this.#loadPage(s, MAX_LINK_EVENTS_PAGE_SIZE);
    }
    const el = document.getElementById(domId('ev', eventId));
    if (!el) return false;
    el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
    return true;
  }

  #linkOf(eventId: string): number | undefined {
    const place = this.#summary.anomalyEvents.find((p) => p.eventId === eventId);
    if (place) return place.link;
    for (const s of this.#links.values()) if (s.events.some((e) => e.eventId === eventId)) return s.link;
    return this.#summary.links.find((l) => l.summary.track.some((t) => t.eventId === eventId))?.link;
  }

  #setOpen(s: LinkState, open: boolean): void {
    s.list.hidden = !open;
    s.more.hidden = !open;
    s.toggle.setAttribute('aria-expanded', String(open));
    s.toggle.textContent = open ? 'Hide events' : `Show events (${String(s.total)})`;
    s.item.classList.toggle('expanded', open);
  }

  /** One more page of a link (one request in flight per link). */
  #loadPage(s: LinkState, pageSize: number): Promise<void> {
    s.busy ??= (async () => {
      try {
        s.more.replaceChildren(h('span', { class: 'hint', role: 'status' }, 'Loading events…'));
        const page = await this.#client.linkEvents(this.lotId, s.link, pageSize, s.bookmark);
        s.started = true;
        s.bookmark = page.bookmark;
        s.events.push(...page.events);
        s.list.append(...page.events.map((e) => renderEvent(e, this.#flagged.get(e.eventId), false)));
        this.#drawMore(s);
        this.#onPage();
      } finally {
        s.busy = null;
      }
    })();
    return s.busy;
  }

  /** "n of N shown" and the Load more / Load all buttons while pages remain. */
  #drawMore(s: LinkState): void {
    const rest = s.bookmark !== '';
    const shown = h('span', { class: 'hint', 'data-loaded': s.events.length }, `${String(s.events.length)} of ${String(s.total)} events shown`);
    s.more.replaceChildren(
      shown,
      ...(rest
        ? [
            button('Load more', `load-more-${String(s.link)}`, () => void this.#loadPage(s, PAGE_SIZE)),
            button(`Load all ${String(s.total)}`, `load-all-${String(s.link)}`, () => void this.#loadRest(s)),
          ]
        : []),
    );
  }

  async #loadRest(s: LinkState): Promise<void> {
    while (s.bookmark !== '') await this.#loadPage(s, MAX_LINK_EVENTS_PAGE_SIZE);
  }

  #render(): HTMLElement {
    const items = this.#summary.links.map((l) => {
      const n = l.link;
      const name = linkName(n, l.name);
      const total = l.summary.eventCount;
      const covered = l.covered;
      const list = h('ol', { class: 'events', id: `events-${String(n)}`, hidden: true });
      const more = h('div', { class: 'load-more', hidden: true });
      const toggle = button(`Show events (${String(total)})`, `toggle-${String(n)}`, () => {
        const s = this.#links.get(n);
        if (s) {
          if (s.list.hidden) void this.expand(n);
          else this.#setOpen(s, false);
        }
      });
      toggle.setAttribute('aria-expanded', 'false');
      toggle.setAttribute('aria-controls', list.id);
      const item = h(
        'li',
        { class: `link ${covered ? 'covered' : 'missing'}`, id: `link-${String(n)}`, 'data-link': n, 'data-name': name, 'data-events': total },
        linkHead(n, name, l.phase, covered ? total : undefined),
        h('p', { class: 'link-meta link-summary' }, summaryLine(l, covered, this.#summary.detail)),
        total > 0 ? toggle : null,
        list,
        more,
      );
      this.#links.set(n, { link: n, total, events: [], bookmark: '', started: false, busy: null, item, list, toggle, more });
      return item;
    });
    return h(
      'section',
      { class: 'timeline card scaled-only', 'aria-labelledby': 'timeline-heading', id: 'timeline', 'data-view': 'summary' },
      h('h3', { id: 'timeline-heading' }, 'Timeline: the 12 supply-chain links'),
      h(
        'nav',
        { class: 'link-index', 'aria-label': 'Jump to link' },
        h('ol', {}, this.#summary.links.map((l) => h('li', {}, h('a', { href: `#link-${String(l.link)}` }, `${String(l.link)}. ${human(linkName(l.link, l.name))}`, ` (${String(l.summary.eventCount)})`)))),
      ),
      this.#searchForm(),
      h('ol', { class: 'links' }, items),
    );
  }

  /** Search over the loaded events (event id, EPC, device, document type), with "load all" to cover the lot. */
  #searchForm(): HTMLElement {
    const input = h('input', { id: 'lot-search-input', type: 'search', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'lot-search-hint' });
    const status = h('p', { id: 'lot-search-status', class: 'status', role: 'status', 'aria-live': 'polite' });
    const results = h('ul', { id: 'lot-search-results', class: 'search-results' });
    const run = (): void => {
      this.#search(input.value, status, results);
    };
    const form = h(
      'form',
      { id: 'lot-search', class: 'lot-search', role: 'search', novalidate: true },
      h('label', { for: 'lot-search-input' }, 'Find in this lot'),
      h('div', { class: 'row' }, input, h('button', { type: 'submit', class: 'secondary' }, 'Find')),
      h('p', { id: 'lot-search-hint', class: 'hint' }, 'Event id, EPC, device or document type. Searches the events loaded so far; "Load all events" searches the whole lot.'),
      button('Load all events', 'load-all-events', () => {
        status.textContent = 'Loading every event of the lot…';
        void this.loadAll().then(run);
      }),
      status,
      results,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    return form;
  }

  #search(query: string, status: HTMLElement, results: HTMLElement): void {
    const q = query.trim().toLowerCase();
    results.replaceChildren();
    if (q === '') {
      status.textContent = 'Enter an event id, EPC, device or document type.';
      return;
    }
    const hits = this.loadedEvents().filter((e) => matches(e, q));
    const { total, loaded } = this.counts();
    status.textContent = `${String(hits.length)} match${hits.length === 1 ? '' : 'es'} in ${String(loaded)} of ${String(total)} events loaded.`;
    results.append(
      ...hits.slice(0, 50).map((e) => {
        const a = h('a', { href: `#${domId('ev', e.eventId)}`, class: 'event-ref', 'data-event-id': e.eventId }, e.eventId);
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          void this.reveal(e.eventId);
        });
        return h('li', {}, a, ` · link ${String(e.link)} · ${e.kind} · ${formatTime(e.eventTime)}`);
      }),
    );
  }
}

/** Whether an event carries the text in its id, EPCs, device or document types. */
function matches(e: ProvenanceEvent, q: string): boolean {
  const fields = [e.eventId, e.deviceId ?? '', ...e.epcs, ...e.evidence.map((d) => d.type)];
  return fields.some((f) => f.toLowerCase().includes(q));
}

function button(label: string, id: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'secondary small', id }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** "1,234 events · recorded by A, B · first seen … · last seen … · documents 2/3, missing: x". */
function summaryLine(l: ProvenanceSummary['links'][number], covered: boolean, detail: string): string {
  if (!covered) return 'No event recorded for this link.';
  const s = l.summary;
  if (s.eventCount === 0 && detail === 'summary') return 'Covered; event details are not shown to this key.';
  const parts = [
    `${s.eventCount.toLocaleString('en')} event${s.eventCount === 1 ? '' : 's'}`,
    s.organisations.length > 0 ? `recorded by ${s.organisations.join(', ')}` : '',
    s.firstSeen ? `first seen ${formatTime(s.firstSeen)}` : '',
    s.lastSeen && s.lastSeen !== s.firstSeen ? `last seen ${formatTime(s.lastSeen)}` : '',
    documentsText(s.evidence),
  ];
  return parts.filter(Boolean).join(' · ');
}

/** "documents 2/3, missing: x" for a link that needs documents, else ''. */
function documentsText(e: ProvenanceSummary['links'][number]['summary']['evidence']): string {
  if (!e || e.required.length === 0) return '';
  return `documents ${String(e.present.length)}/${String(e.required.length)}${e.missing.length > 0 ? `, missing: ${e.missing.join(', ')}` : ''}`;
}

/** Anomalies grouped by type with counts; each group expands to its anomalies, each event a link into the timeline. */
export function renderAnomalyGroups(s: ProvenanceSummary, reveal: (eventId: string) => void): HTMLElement {
  const total = s.anomalyGroups.reduce((n, g) => n + g.count, 0);
  return h(
    'section',
    { class: 'anomalies card scaled-only', 'aria-labelledby': 'anomalies-heading', id: 'anomalies' },
    h('h3', { id: 'anomalies-heading' }, `Anomalies (${String(total)})`),
    total === 0 ? h('p', { class: 'none' }, 'No anomalies flagged.') : s.anomalyGroups.map((g) => anomalyGroup(s, g, reveal)),
  );
}

function anomalyGroup(s: ProvenanceSummary, g: AnomalyGroup, reveal: (eventId: string) => void): HTMLElement {
  const ref = (id: string): HTMLElement => {
    const a = h('a', { href: `#${domId('ev', id)}`, class: 'event-ref', 'data-event-id': id }, id);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      reveal(id);
    });
    return a;
  };
  const listed = s.anomalies.filter((a) => a.type === g.type);
  return h(
    'details',
    { class: 'anomaly-group', 'data-type': g.type, 'data-count': g.count },
    h('summary', {}, h('span', { class: 'badge danger' }, '⚠ ' + anomalyLabel(g.type)), ` ${g.count.toLocaleString('en')}`),
    h('p', { class: 'anomaly-explain' }, anomalyExplanation(g.type)),
    g.listed < g.count ? h('p', { class: 'hint' }, `The first ${String(g.listed)} of ${String(g.count)} are listed.`) : null,
    h(
      'ul',
      { class: 'anomaly-list' },
      listed.map((a) =>
        h(
          'li',
          { class: 'anomaly', 'data-type': a.type },
          h('p', { class: 'anomaly-detail' }, a.detail || anomalyExplanation(a.type)),
          a.eventIds.length > 0 ? h('p', { class: 'anomaly-events' }, 'Events: ', a.eventIds.map((id, i) => [i > 0 ? ', ' : '', ref(id)])) : null,
        ),
      ),
    ),
  );
}

/** The summary's thinned tracks as map points, oldest first. */
export function trackPoints(s: ProvenanceSummary): RoutePoint[] {
  const pts = s.links.flatMap((l) =>
    l.summary.track.map((t) => ({ event: { ...t, location: { lat: t.lat, lon: t.lon } } as unknown as ProvenanceEvent, link: l.link, lat: t.lat, lon: t.lon })),
  );
  return pts.sort((a, b) => Date.parse(a.event.eventTime) - Date.parse(b.event.eventTime) || a.link - b.link);
}

/** Replaces the result area with the summary view. Resolves once the map is drawn. */
export async function renderScaled(s: ProvenanceSummary, query: string, targets: RenderTargets, timeline: ScaledTimeline): Promise<void> {
  const { mapBox, mapSection } = mapCard();
  const reveal = (id: string): void => void timeline.reveal(id);
  const asProvenance = s as unknown as Provenance;
  const side = h('div', { class: 'side' }, renderCompleteness(asProvenance), renderEvidence(asProvenance), renderAnomalyGroups(s, reveal), mapSection);
  targets.result.replaceChildren(
    lotSummary(s, query),
    renderTrace(asProvenance),
    h('div', { class: 'result-grid' }, side, timeline.element),
    h('div', { id: 'print-full', class: 'print-only' }),
  );
  targets.actions.hidden = false;
  mapBox.addEventListener('click', (e) => {
    const target = e.target instanceof Element ? e.target.closest<SVGGElement>('g[data-event-id]') : null;
    if (target?.dataset.eventId) reveal(target.dataset.eventId);
  });
  await drawMap(s, mapBox, trackPoints(s));
}
