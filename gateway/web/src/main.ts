// The auditor page: sign in, search, show the answer, keep it live, export and print.
import './styles.css';
import { ApiClient, ApiError, storeKey, storedKey } from './api';
import { byId, fileStamp, saveBlob } from './dom';
import { errorMessage, renderError, renderProvenance } from './render';
import { renderScaled, ScaledTimeline } from './lot-scale';
import { downloadDossier } from './evidence';
import { downloadProof, markEvents, verifyLot } from './proof';
import { lotIdsOf, openStream, type StreamState } from './sse';
import { allEventIds, renderAnomalies, renderTimeline } from './timeline';
import { queryOfHash } from './trace';
import { isSummary, type Provenance, type ProvenanceSummary } from './types';

const el = {
  signIn: byId('sign-in'),
  signInForm: byId('sign-in-form', HTMLFormElement),
  apiKey: byId('api-key', HTMLInputElement),
  signInError: byId('sign-in-error'),
  session: byId('session'),
  signOut: byId('sign-out', HTMLButtonElement),
  live: byId('live-status'),
  search: byId('search'),
  searchForm: byId('search-form', HTMLFormElement),
  query: byId('query', HTMLInputElement),
  searchError: byId('search-error'),
  status: byId('search-status'),
  actions: byId('actions'),
  exportJson: byId('export-json', HTMLButtonElement),
  exportEpcis: byId('export-epcis', HTMLButtonElement),
  downloadProof: byId('download-proof', HTMLButtonElement),
  downloadDossier: byId('download-dossier', HTMLButtonElement),
  proofStatus: byId('proof-status'),
  print: byId('print-report', HTMLButtonElement),
  result: byId('result'),
  printMeta: byId('print-meta'),
};

let client: ApiClient | null = null;
let current: { query: string; data: Provenance | ProvenanceSummary; scaled: ScaledTimeline | null } | null = null;

/** Lots with more events than this open as the summary view (links collapsed, events paged); smaller ones show every event. */
const SMALL_LOT_EVENTS = 100;
let stopStream: (() => void) | null = null;
let seq = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

function setBusy(form: HTMLFormElement, busy: boolean): void {
  form.setAttribute('aria-busy', String(busy));
  form.querySelectorAll('button').forEach((b) => (b.disabled = busy));
}

function showSignedIn(signedIn: boolean): void {
  el.signIn.hidden = signedIn;
  el.search.hidden = !signedIn;
  el.session.hidden = !signedIn;
  if (!signedIn) {
    el.actions.hidden = true;
    el.proofStatus.hidden = true;
    el.result.replaceChildren();
    current = null;
  }
}

const LIVE_TEXT: Record<StreamState, string> = {
  connecting: 'Live updates: connecting…',
  live: 'Live updates on',
  retrying: 'Live updates: reconnecting…',
  refused: 'Live updates unavailable',
  closed: 'Live updates off',
};

function startLive(c: ApiClient): void {
  stopStream?.();
  stopStream = openStream({
    url: '/v1/stream',
    apiKey: c.apiKey,
    onState: (state, why) => {
      el.live.dataset.state = state;
      el.live.textContent = LIVE_TEXT[state] + (state === 'refused' && why ? ` (${why})` : '');
    },
    onMessage: (m) => {
      if (!current) return;
      const ids = lotIdsOf(m.data);
      const watched = [current.data.lot.lotId, ...current.data.lot.parentChain];
      if (ids === null || ids.some((id) => watched.includes(id))) scheduleRefresh();
    },
  });
}

function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh(), 250);
}

/** The sign-in form's message for a refused key (401) or any other failure. */
function signInFailure(err: unknown): { title: string; detail: string } {
  if (err instanceof ApiError && err.status === 401) {
    return { title: 'Sign-in refused: the gateway did not accept this API key.', detail: err.detail ? err.detail : 'Check the key and try again.' };
  }
  return errorMessage(err);
}

/** Signs out after a failed verification; `quiet` (a stored key) says nothing about a plain 401. */
function refuseSignIn(err: unknown, quiet: boolean): void {
  storeKey(null);
  if (!quiet || !(err instanceof ApiError && err.status === 401)) renderError(el.signInError, signInFailure(err));
  showSignedIn(false);
  el.apiKey.focus();
}

async function signIn(key: string, quiet = false): Promise<boolean> {
  const c = new ApiClient(key);
  el.signInError.hidden = true;
  setBusy(el.signInForm, true);
  try {
    await c.verify();
  } catch (err) {
    // 403 means the key is known but may not list lots: it can still read provenance it owns.
    if (!(err instanceof ApiError && err.status === 403)) {
      refuseSignIn(err, quiet);
      return false;
    }
  } finally {
    setBusy(el.signInForm, false);
  }
  client = c;
  storeKey(key);
  el.apiKey.value = '';
  showSignedIn(true);
  startLive(c);
  return true;
}

function signOut(message?: string): void {
  stopStream?.();
  stopStream = null;
  client = null;
  storeKey(null);
  showSignedIn(false);
  history.replaceState(null, '', location.pathname + location.search);
  if (message) renderError(el.signInError, { title: message, detail: '' });
  el.apiKey.focus();
}

/** "c of r links covered". */
function coverageText(p: Provenance | ProvenanceSummary): string {
  return `${String(p.completeness.covered)} of ${String(p.completeness.required)} links covered`;
}

/** Clears the result and says why the search failed; a refused key signs out. */
function showSearchFailure(err: unknown, q: string): void {
  current = null;
  el.result.replaceChildren();
  delete el.result.dataset.lot;
  el.result.dataset.state = 'error';
  el.actions.hidden = true;
  el.proofStatus.hidden = true;
  el.status.textContent = '';
  if (err instanceof ApiError && err.status === 401) {
    signOut('Your API key is no longer accepted. Sign in again.');
    return;
  }
  renderError(el.searchError, errorMessage(err, q));
  el.query.focus();
}

async function search(query: string): Promise<void> {
  if (!client) return;
  const q = query.trim();
  el.searchError.hidden = true;
  if (!q) {
    el.result.dataset.state = 'error';
    renderError(el.searchError, { title: 'Enter a lot id or an EPC.', detail: '' });
    el.query.focus();
    return;
  }
  const mine = ++seq;
  el.result.dataset.state = 'loading';
  el.status.textContent = `Looking up ${q}…`;
  setBusy(el.searchForm, true);
  try {
    const data = await openAnswer(client, q);
    if (mine !== seq) return;
    await show(client, q, data);
    el.result.dataset.lot = data.lot.lotId;
    el.result.dataset.state = 'ready';
    history.replaceState(null, '', `#q=${encodeURIComponent(q)}`);
    const anomalies = anomalyCount(data);
    el.status.textContent =
      `Showing ${data.lot.lotId}: ${coverageText(data)}, ` +
      `${String(anomalies)} anomal${anomalies === 1 ? 'y' : 'ies'}` +
      (isSummary(data) ? `; ${eventCount(data).toLocaleString('en')} events, links collapsed (expand one to load its events).` : '.');
    document.getElementById('lot-heading')?.focus();
  } catch (err) {
    if (mine === seq) showSearchFailure(err, q);
  } finally {
    if (mine === seq) setBusy(el.searchForm, false);
  }
}

/** The summary; for a small lot (or an older gateway's full answer) the full provenance. */
async function openAnswer(c: ApiClient, q: string): Promise<Provenance | ProvenanceSummary> {
  const first = await c.summary(q);
  if (!isSummary(first) || eventCount(first) > SMALL_LOT_EVENTS) return first;
  return c.provenance(q);
}

function eventCount(s: ProvenanceSummary): number {
  return s.links.reduce((n, l) => n + l.summary.eventCount, 0);
}

function anomalyCount(p: Provenance | ProvenanceSummary): number {
  return isSummary(p) ? p.anomalyGroups.reduce((n, g) => n + g.count, 0) : p.anomalies.length;
}

/** Draws an answer: the summary view with paged links, or every event; sets `current`. */
async function show(c: ApiClient, q: string, data: Provenance | ProvenanceSummary, expanded: readonly number[] = []): Promise<void> {
  if (!isSummary(data)) {
    current = { query: q, data, scaled: null };
    await renderProvenance(data, q, { result: el.result, actions: el.actions }, new Set());
    void showVerification();
    return;
  }
  const scaled = new ScaledTimeline(c, data, () => {
    if (lastReport) markEvents(el.result, lastReport);
  });
  current = { query: q, data, scaled };
  lastReport = null;
  await renderScaled(data, q, { result: el.result, actions: el.actions }, scaled);
  await Promise.all(expanded.map((n) => scaled.expand(n)));
  el.proofStatus.hidden = false;
  el.proofStatus.dataset.state = 'unavailable';
  el.proofStatus.textContent = `Proofs are not verified on opening a lot of more than ${String(SMALL_LOT_EVENTS)} events: use "Download proof" and run \`npx acetrace-verify <file>\`.`;
}

/** The verifier's report on the open lot, to mark events of pages loaded later. */
let lastReport: Awaited<ReturnType<typeof verifyLot>> | null = null;

/** The whole provenance of the open lot (for export and print of a summary view). */
async function fullAnswer(): Promise<Provenance | null> {
  if (!client || !current) return null;
  return isSummary(current.data) ? client.provenance(current.data.lot.lotId) : current.data;
}

/** Renders the answer again where it stands: the scroll position and the focused element are kept. */
async function rerenderInPlace(data: Provenance, query: string, fresh: Set<string>): Promise<void> {
  const active = document.activeElement;
  const focusedId = active instanceof HTMLElement && el.result.contains(active) ? active.id : '';
  const scrollY = window.scrollY;
  await renderProvenance(data, query, { result: el.result, actions: el.actions }, fresh);
  void showVerification();
  window.scrollTo({ top: scrollY });
  if (focusedId) document.getElementById(focusedId)?.focus({ preventScroll: true });
}

/** Re-reads the open lot after a live event, keeping scroll position and focus. */
async function refresh(): Promise<void> {
  if (!client || !current) return;
  const before = current;
  const mine = ++seq;
  try {
    if (before.scaled) await refreshScaled(client, before.query, before.scaled, mine);
    else await refreshFull(client, before, mine);
  } catch (err) {
    // Other failures leave the last good answer on screen; the next event retries.
    if (mine === seq && err instanceof ApiError && err.status === 401) signOut('Your API key is no longer accepted. Sign in again.');
  }
}

/** A live refresh of a lot shown in full: new events marked, scroll position and focus kept. */
async function refreshFull(c: ApiClient, before: NonNullable<typeof current>, mine: number): Promise<void> {
  const data = await c.provenance(before.query);
  if (mine !== seq || current !== before || isSummary(before.data)) return;
  const old = allEventIds(before.data);
  const fresh = new Set([...allEventIds(data)].filter((id) => !old.has(id)));
  current = { query: before.query, data, scaled: null };
  await rerenderInPlace(data, before.query, fresh);
  el.result.dataset.updates = String(Number(el.result.dataset.updates ?? '0') + 1);
  el.status.textContent = liveStatus(fresh, data);
}

/** A live refresh of a summary view: drawn again where it stands, the open links loaded again. */
async function refreshScaled(c: ApiClient, query: string, scaled: ScaledTimeline, mine: number): Promise<void> {
  const data = await c.summary(query);
  if (mine !== seq) return;
  const scrollY = window.scrollY;
  await show(c, query, data, scaled.expandedLinks());
  window.scrollTo({ top: scrollY });
  el.result.dataset.updates = String(Number(el.result.dataset.updates ?? '0') + 1);
  el.status.textContent = `Updated live. ${coverageText(data)}.`;
}

/** The status line after a live refresh: which events are new, and the coverage. */
function liveStatus(fresh: ReadonlySet<string>, data: Provenance): string {
  const n = fresh.size;
  if (n === 0) return `Updated live. ${coverageText(data)}.`;
  return `Updated live: ${String(n)} new event${n === 1 ? '' : 's'} (${[...fresh].join(', ')}). ${coverageText(data)}.`;
}

/** Downloads the lot's whole provenance as one GS1 EPCIS 2.0 document (GET /v1/lots/{lotId}/epcis). */
async function downloadEpcis(): Promise<void> {
  if (!client || !current) return;
  const lotId = current.data.lot.lotId;
  let doc: unknown;
  try {
    doc = await client.get<unknown>(`/v1/lots/${encodeURIComponent(lotId)}/epcis`);
  } catch (err) {
    el.status.textContent = `EPCIS export failed: ${errorMessage(err).detail}`;
    return;
  }
  saveBlob(new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/ld+json' }), `epcis-${lotId}-${fileStamp()}.jsonld`);
}

async function download(): Promise<void> {
  const data = await fullAnswer();
  if (!data) return;
  const blob = new Blob([JSON.stringify(data, null, 2) + '\n'], { type: 'application/json' });
  saveBlob(blob, `provenance-${data.lot.lotId}-${fileStamp()}.json`);
}

/** Prints the report; a summary view first loads the full provenance so the report lists every event. */
async function printReport(): Promise<void> {
  printMeta();
  const printFull = document.getElementById('print-full');
  if (current?.scaled && printFull) {
    el.status.textContent = 'Loading every event for the report…';
    try {
      const full = await fullAnswer();
      if (full) printFull.replaceChildren(renderAnomalies(full), renderTimeline(full));
      el.status.textContent = 'The report lists every event.';
    } catch (err) {
      el.status.textContent = `The full report could not be loaded: ${errorMessage(err).detail || errorMessage(err).title}`;
      return;
    }
  }
  window.print();
}

const PROOF_NOTE =
  'The ✓ verified marks are computed on the gateway by the acetrace verifier’s logic over the proof bundle it built from the ledger. ' +
  'To check without trusting the gateway, use "Download proof" and run `npx acetrace-verify <file>` on your own machine.';

/** The sentence before PROOF_NOTE: how many events verified, or how many failed a check. */
function verificationText(ok: boolean, { verified, failed }: { verified: number; failed: number }): string {
  const events = (n: number): string => `${String(n)} event${n === 1 ? '' : 's'}`;
  return ok ? `Proof verified: ${events(verified)}, all 7 checks passed. ` : `Proof NOT verified: ${events(failed)} failed a check. `;
}

/** Asks the gateway to verify the open lot's proof bundle and marks each event from the report. */
async function showVerification(): Promise<void> {
  if (!client || !current) return;
  const shown = current;
  el.proofStatus.hidden = false;
  el.proofStatus.dataset.state = 'verifying';
  el.proofStatus.textContent = 'Verifying the proof bundle…';
  try {
    const report = await verifyLot(client, shown.data.lot.lotId);
    if (current !== shown) return;
    lastReport = report;
    const counts = markEvents(el.result, report);
    el.proofStatus.dataset.state = report.ok ? 'verified' : 'failed';
    el.proofStatus.textContent = verificationText(report.ok, counts) + PROOF_NOTE;
  } catch (err) {
    if (current !== shown) return;
    el.proofStatus.dataset.state = 'unavailable';
    el.proofStatus.textContent = `No proof for this lot: ${errorMessage(err).detail || errorMessage(err).title}`;
  }
}

async function saveProof(): Promise<void> {
  if (!client || !current) return;
  el.downloadProof.disabled = true;
  try {
    await downloadProof(client, current.data.lot.lotId);
  } catch (err) {
    el.proofStatus.hidden = false;
    el.proofStatus.dataset.state = 'unavailable';
    el.proofStatus.textContent = `The proof could not be downloaded: ${errorMessage(err).detail || errorMessage(err).title}`;
  } finally {
    el.downloadProof.disabled = false;
  }
}

function printMeta(): void {
  const lot = current?.data.lot.lotId ?? '';
  el.printMeta.textContent = `Provenance audit report${lot ? ` for lot ${lot}` : ''} · generated ${new Date().toISOString()} · source ${location.origin}`;
}

el.signInForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const key = el.apiKey.value.trim();
  if (!key) {
    renderError(el.signInError, { title: 'Enter your API key.', detail: '' });
    el.apiKey.focus();
    return;
  }
  void signIn(key).then((ok) => {
    if (ok) el.query.focus();
  });
});
el.signOut.addEventListener('click', () => { signOut(); });
el.searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  void search(el.query.value);
});
el.exportJson.addEventListener('click', () => {
  download().catch((err: unknown) => {
    el.status.textContent = `The JSON could not be built: ${errorMessage(err).detail || errorMessage(err).title}`;
  });
});
el.downloadProof.addEventListener('click', () => void saveProof());
el.exportEpcis.addEventListener('click', () => void downloadEpcis());
el.downloadDossier.addEventListener('click', () => {
  if (!client || !current) return;
  el.status.textContent = 'Building the CBP dossier…';
  downloadDossier(client, current.data.lot.lotId).then(
    () => {
      el.status.textContent = 'CBP dossier downloaded.';
    },
    (err: unknown) => {
      el.status.textContent = `The dossier could not be built: ${errorMessage(err).detail || errorMessage(err).title}`;
    },
  );
});
el.print.addEventListener('click', () => void printReport());
window.addEventListener('beforeprint', printMeta);
// An input lot's link (`#q=<lotId>`) opens that lot's provenance; event anchors (`#ev-…`) only scroll.
window.addEventListener('hashchange', () => {
  const q = queryOfHash(location.hash);
  if (q !== null && q !== current?.query) {
    el.query.value = q;
    void search(q);
  }
});

// Start: reuse this tab's key, then the lot in the address (#q=...), if any.
void (async () => {
  const key = storedKey();
  const q = new URLSearchParams(location.hash.slice(1)).get('q');
  if (key && (await signIn(key, true))) {
    if (q) {
      el.query.value = q;
      await search(q);
    } else el.query.focus();
  } else {
    showSignedIn(false);
  }
  document.body.dataset.ready = 'true';
})();
