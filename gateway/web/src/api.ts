// The HTTP API client: the API key (sessionStorage, sent as X-API-Key), the lot/EPC lookup and
// RFC 9457 problem+json errors turned into ApiError.
import type { LinkEventsPage, Provenance, ProvenanceSummary } from './types';

const KEY_STORAGE = 'acetrace.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: Array<{ path: string; message: string }> = [],
  ) {
    super(detail || title);
    this.name = 'ApiError';
  }
}

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(KEY_STORAGE);
    else sessionStorage.setItem(KEY_STORAGE, key);
  } catch {
    /* storage disabled: the key lives only in memory for this page */
  }
}

/**
 * True when the query is an EPC in one of the accepted spellings: a tag or pure-identity URN,
 * a GS1 Digital Link URI (https://host/.../01/<GTIN>/...), or 96-bit raw hex (24 hex digits).
 */
export function looksLikeEpc(query: string): boolean {
  const q = query.trim();
  if (/^urn:epc:/i.test(q)) return true;
  if (/^https?:\/\/[^/\s]+(\/[^\s]*)?\/(01|00|414|8003|8004)\/[^\s]+$/i.test(q)) return true;
  return /^[0-9a-f]{24}$/i.test(q);
}

/** The path of the provenance answer for a lot id or an EPC. */
export function provenancePath(query: string): string {
  const q = query.trim();
  return looksLikeEpc(q)
    ? `/v1/epcs/${encodeURIComponent(q)}/provenance`
    : `/v1/lots/${encodeURIComponent(q)}/provenance`;
}

/** A problem field as text: strings as they are, numbers written out, anything else empty. */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  return typeof v === 'number' ? String(v) : '';
}

async function problemOf(res: Response): Promise<ApiError> {
  let title = res.statusText || `HTTP ${String(res.status)}`;
  let detail = '';
  let errors: Array<{ path: string; message: string }> = [];
  try {
    const body = (await res.json()) as { title?: unknown; detail?: unknown; errors?: unknown };
    if (typeof body.title === 'string') title = body.title;
    if (typeof body.detail === 'string') detail = body.detail;
    if (Array.isArray(body.errors)) {
      errors = body.errors
        .filter((e): e is { path: unknown; message: unknown } => typeof e === 'object' && e !== null)
        .map((e) => ({ path: textOf(e.path), message: textOf(e.message) }));
    }
  } catch {
    /* not JSON: keep the status line */
  }
  return new ApiError(res.status, title, detail, errors);
}

export class ApiClient {
  constructor(
    private readonly key: string,
    private readonly base = '',
  ) {}

  get apiKey(): string {
    return this.key;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return (await (await this.fetch(path, signal)).json()) as T;
  }

  /** The body as text, unchanged (a proof bundle is saved byte for byte). */
  async text(path: string, signal?: AbortSignal): Promise<string> {
    return (await this.fetch(path, signal)).text();
  }

  /** The body as a Blob (a PDF or ZIP download). */
  async blob(path: string, signal?: AbortSignal): Promise<Blob> {
    return (await this.fetch(path, signal)).blob();
  }

  private async fetch(path: string, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        headers: { 'X-API-Key': this.key, Accept: 'application/json' },
        signal,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'Gateway unreachable', 'The gateway did not answer. Check that it is running.');
    }
    if (!res.ok) throw await problemOf(res);
    return res;
  }

  /** Checks the key with a cheap authenticated read; throws ApiError(401) when refused. */
  async verify(): Promise<void> {
    await this.get<unknown>('/v1/lots?pageSize=1');
  }

  provenance(query: string, signal?: AbortSignal): Promise<Provenance> {
    return this.get<Provenance>(provenancePath(query), signal);
  }

  /** The summary view (no events); an older gateway may answer the full provenance instead. */
  summary(query: string, signal?: AbortSignal): Promise<ProvenanceSummary | Provenance> {
    return this.get<ProvenanceSummary | Provenance>(`${provenancePath(query)}?view=summary`, signal);
  }

  /** One page of a link's events in time order. */
  linkEvents(lotId: string, link: number, pageSize: number, bookmark: string): Promise<LinkEventsPage> {
    const q = new URLSearchParams({ pageSize: String(pageSize), ...(bookmark ? { bookmark } : {}) });
    return this.get<LinkEventsPage>(`/v1/lots/${encodeURIComponent(lotId)}/links/${String(link)}/events?${q.toString()}`);
  }
}
