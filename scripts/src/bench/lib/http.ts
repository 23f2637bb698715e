/** A small keep-alive JSON client over node:http (less client overhead than fetch). */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpResult {
  status: number;
  body: string;
}

/**
 * One request; a reused keep-alive socket the server closed meanwhile (ECONNRESET, EPIPE) is retried
 * up to twice — safe here: GETs, and POSTs that are idempotent by lot or event id.
 */
export async function http(method: string, url: string, apiKey: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(method, url, apiKey, body, headers);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= 2 || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw err;
    }
  }
}

function once(method: string, url: string, apiKey: string | undefined, body: unknown, extra: Record<string, string>): Promise<HttpResult> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...extra,
          ...(apiKey !== undefined ? { 'x-api-key': apiKey } : {}),
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Like {@link http} but throws unless the status is one of `ok`. */
export async function httpOk(
  method: string,
  url: string,
  apiKey: string | undefined,
  body: unknown,
  ok: readonly number[],
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const r = await http(method, url, apiKey, body, headers);
  if (!ok.includes(r.status)) throw new Error(`${method} ${url} → ${String(r.status)}: ${r.body.slice(0, 500)}`);
  return r;
}

/** Reads one Prometheus sample (summed over label sets matching `labels`) from /metrics text. */
export function metricValue(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    if (!(line.startsWith(`${name} `) || line.startsWith(`${name}{`))) continue;
    if (labels !== '' && !line.includes(labels)) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}
