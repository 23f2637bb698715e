// Live updates: reads GET /v1/stream with fetch() so the API key travels in the X-API-Key header
// (EventSource cannot send headers, and a key in a URL ends up in logs). Parses the
// text/event-stream format itself and reconnects with Last-Event-ID, so no event is missed.

export interface StreamMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/** Incremental text/event-stream parser (WHATWG HTML, "Parsing an event stream"). */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  lastEventId: string | undefined;
  retryMs: number | undefined;

  constructor(private readonly onMessage: (m: StreamMessage) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    if (colon === -1) this.field(line, '');
    else this.field(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ''));
  }

  private field(field: string, value: string): void {
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    if (this.id !== undefined) this.lastEventId = this.id;
    if (this.data.length > 0) {
      this.onMessage({ id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n') });
    }
    this.data = [];
    this.event = '';
    this.id = undefined;
  }
}

export type StreamState = 'connecting' | 'live' | 'retrying' | 'refused' | 'closed';

export interface StreamOptions {
  url: string;
  apiKey: string;
  onMessage: (m: StreamMessage) => void;
  onState: (state: StreamState, why?: string) => void;
}

/**
 * One connection: reads events into `parser` until the stream ends. Returns why it ended, or null
 * when the key is refused (no retry then); `onLive` runs once the stream is open.
 */
async function readStream(opts: StreamOptions, signal: AbortSignal, parser: SseParser, onLive: () => void): Promise<string | null> {
  const headers: Record<string, string> = { 'X-API-Key': opts.apiKey, Accept: 'text/event-stream' };
  if (parser.lastEventId !== undefined) headers['Last-Event-ID'] = parser.lastEventId;
  const res = await fetch(opts.url, { headers, signal, cache: 'no-store' });
  if (res.status === 401 || res.status === 403) {
    opts.onState('refused', res.status === 403 ? 'this key may not read the live stream' : 'key refused');
    return null;
  }
  if (!res.ok || !res.body) throw new Error(`HTTP ${String(res.status)}`);
  opts.onState('live');
  onLive();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'stream ended';
    parser.push(value);
  }
}

/** Opens the stream and keeps it open until the returned function is called. */
export function openStream(opts: StreamOptions): () => void {
  const ctrl = new AbortController();
  let lastEventId: string | undefined;
  let delayMs = 1000;
  // a function, not the flag: the flag changes while `run` awaits
  const closed = (): boolean => ctrl.signal.aborted;

  const run = async (): Promise<void> => {
    while (!closed()) {
      opts.onState('connecting');
      const parser = new SseParser(opts.onMessage);
      parser.lastEventId = lastEventId;
      let why: string | null;
      try {
        why = await readStream(opts, ctrl.signal, parser, () => {
          delayMs = 1000;
        });
      } catch (err) {
        why = err instanceof Error ? err.message : String(err);
      }
      // the parser keeps the last id it saw, even when the connection failed midway
      lastEventId = parser.lastEventId;
      if (why === null || closed()) return;
      opts.onState('retrying', why);
      await new Promise((r) => setTimeout(r, parser.retryMs ?? delayMs));
      delayMs = Math.min(delayMs * 2, 30000);
    }
  };
  void run();
  return () => {
    ctrl.abort();
    opts.onState('closed');
  };
}

/**
 * The lot ids a stream message concerns. The gateway forwards the chaincode event payload
 * (`{ type, lotIds, eventIds, ... }`); a single `lotId` or nested `event(s)` are accepted too.
 * Returns null when the message names no lot (the caller then refreshes to be safe).
 */
export function lotIdsOf(data: string): string[] | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  const ids = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 3 || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      v.forEach((x) => { visit(x, depth + 1); });
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.lotId === 'string') ids.add(o.lotId);
    if (Array.isArray(o.lotIds)) o.lotIds.forEach((x) => typeof x === 'string' && ids.add(x));
    for (const k of ['payload', 'event', 'events', 'data', 'lot']) if (k in o) visit(o[k], depth + 1);
  };
  visit(body, 0);
  return ids.size > 0 ? [...ids] : null;
}
