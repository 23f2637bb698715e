// The auditor page: sign in, search, show the answer, keep it live, export and print.
import './styles.css';
import { ApiClient, ApiError, storeKey, storedKey } from './api';
import { byId } from './dom';
import { errorMessage, renderError, renderProvenance } from './render';
import { lotIdsOf, openStream, type StreamState } from './sse';
import { allEventIds } from './timeline';
import type { Provenance } from './types';

const el = {
  signIn: byId('sign-in'),
  signInForm: byId<HTMLFormElement>('sign-in-form'),
  apiKey: byId<HTMLInputElement>('api-key'),
  signInError: byId('sign-in-error'),
  session: byId('session'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  live: byId('live-status'),
  search: byId('search'),
  searchForm: byId<HTMLFormElement>('search-form'),
  query: byId<HTMLInputElement>('query'),
  searchError: byId('search-error'),
  status: byId('search-status'),
  actions: byId('actions'),
  exportJson: byId<HTMLButtonElement>('export-json'),
  exportEpcis: byId<HTMLButtonElement>('export-epcis'),
  print: byId<HTMLButtonElement>('print-report'),
  result: byId('result'),
  printMeta: byId('print-meta'),
};

let client: ApiClient | null = null;
let current: { query: string; data: Provenance } | null = null;
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
      const watched = [current.data.lot.lotId, ...(current.data.lot.parentChain ?? [])];
      if (ids === null || ids.some((id) => watched.includes(id))) scheduleRefresh();
    },
  });
}

function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh(), 250);
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
      storeKey(null);
      if (!quiet || !(err instanceof ApiError && err.status === 401)) {
        const msg = errorMessage(err);
        renderError(el.signInError, {
          title: err instanceof ApiError && err.status === 401 ? 'Sign-in refused: the gateway did not accept this API key.' : msg.title,
          detail: err instanceof ApiError && err.status === 401 ? (err.detail ? err.detail : 'Check the key and try again.') : msg.detail,
        });
      }
      showSignedIn(false);
      el.apiKey.focus();
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
    const data = await client.provenance(q);
    if (mine !== seq) return;
    current = { query: q, data };
    await renderProvenance(data, q, { result: el.result, actions: el.actions }, new Set());
    el.result.dataset.lot = data.lot.lotId;
    el.result.dataset.state = 'ready';
    history.replaceState(null, '', `#q=${encodeURIComponent(q)}`);
    el.status.textContent =
      `Showing ${data.lot.lotId}: ${data.completeness.covered} of ${data.completeness.required} links covered, ` +
      `${data.anomalies.length} anomal${data.anomalies.length === 1 ? 'y' : 'ies'}.`;
    document.getElementById('lot-heading')?.focus();
  } catch (err) {
    if (mine !== seq) return;
    current = null;
    el.result.replaceChildren();
    delete el.result.dataset.lot;
    el.result.dataset.state = 'error';
    el.actions.hidden = true;
    el.status.textContent = '';
    if (err instanceof ApiError && err.status === 401) {
      signOut('Your API key is no longer accepted. Sign in again.');
      return;
    }
    renderError(el.searchError, errorMessage(err, q));
    el.query.focus();
  } finally {
    if (mine === seq) setBusy(el.searchForm, false);
  }
}

/** Re-reads the open lot after a live event, keeping scroll position and focus. */
async function refresh(): Promise<void> {
  if (!client || !current) return;
  const before = current;
  const mine = ++seq;
  try {
    const data = await client.provenance(before.query);
    if (mine !== seq || current !== before) return;
    const old = allEventIds(before.data);
    const fresh = new Set([...allEventIds(data)].filter((id) => !old.has(id)));
    const focusedId = document.activeElement instanceof HTMLElement && el.result.contains(document.activeElement) ? document.activeElement.id : '';
    const scrollY = window.scrollY;
    current = { query: before.query, data };
    await renderProvenance(data, before.query, { result: el.result, actions: el.actions }, fresh);
    window.scrollTo({ top: scrollY });
    if (focusedId) document.getElementById(focusedId)?.focus({ preventScroll: true });
    const n = fresh.size;
    el.result.dataset.updates = String(Number(el.result.dataset.updates ?? '0') + 1);
    el.status.textContent =
      n > 0
        ? `Updated live: ${n} new event${n === 1 ? '' : 's'} (${[...fresh].join(', ')}). ${data.completeness.covered} of ${data.completeness.required} links covered.`
        : `Updated live. ${data.completeness.covered} of ${data.completeness.required} links covered.`;
  } catch (err) {
    if (mine !== seq) return;
    if (err instanceof ApiError && err.status === 401) signOut('Your API key is no longer accepted. Sign in again.');
    // Other failures leave the last good answer on screen; the next event retries.
  }
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
  const blob = new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/ld+json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `epcis-${lotId}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonld`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function download(): void {
  if (!current) return;
  const blob = new Blob([JSON.stringify(current.data, null, 2) + '\n'], { type: 'application/json' });
  const a = document.createElement('a');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  a.href = URL.createObjectURL(blob);
  a.download = `provenance-${current.data.lot.lotId}-${stamp}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
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
el.signOut.addEventListener('click', () => signOut());
el.searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  void search(el.query.value);
});
el.exportJson.addEventListener('click', download);
el.exportEpcis.addEventListener('click', () => void downloadEpcis());
el.print.addEventListener('click', () => {
  printMeta();
  window.print();
});
window.addEventListener('beforeprint', printMeta);

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
