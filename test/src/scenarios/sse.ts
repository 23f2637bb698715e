/**
 * A small SSE reader over fetch for tests: collects events until a predicate holds or a timeout.
 * The predicate is checked after every event, so the reader stops exactly at the event that
 * satisfies it, however the server's writes were split into network chunks.
 */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export async function readSse(
  url: string,
  headers: Record<string, string>,
  until: (events: SseEvent[]) => boolean,
  timeoutMs = 30_000,
): Promise<{ status: number; events: SseEvent[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => { controller.abort(); }, timeoutMs);
  const events: SseEvent[] = [];
  let status = 0;
  try {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    status = res.status;
    if (!res.ok || !res.body) return { status, events };
    await collectEvents(res.body, until, events);
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status, events };
}

/** Reads events off an SSE body into `events` until `until` holds or the body ends. */
async function collectEvents(body: AsyncIterable<Uint8Array>, until: (events: SseEvent[]) => boolean, events: SseEvent[]): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let done = until(events);
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let idx: number;
    while (!done && (idx = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const ev = parseBlock(block);
      if (ev) {
        events.push(ev);
        done = until(events);
      }
    }
    if (done) break;
  }
}

/** One SSE block (the lines between blank lines) as an event; undefined without data (a comment, a retry). */
function parseBlock(block: string): SseEvent | undefined {
  const ev: SseEvent = { data: '' };
  let hasData = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const [field, ...rest] = line.split(':');
    const value = rest.join(':').replace(/^ /, '');
    if (field === 'id') ev.id = value;
    else if (field === 'event') ev.event = value;
    else if (field === 'data') {
      ev.data += (hasData ? '\n' : '') + value;
      hasData = true;
    }
  }
  return hasData ? ev : undefined;
}
