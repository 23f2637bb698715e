/**
 * Per-invoke costs of fabric-shim's contract router that the in-process runtime removes without
 * touching what the chaincode sees (profiled under the single-event submit load):
 *
 * - `new ClientIdentity(stub)` (fabric-shim lib/chaincode.js) parses the creator's X.509 PEM with
 *   `@fidm/x509` on every invoke (~0.4 ms). The parse result depends only on the PEM text and
 *   ClientIdentity only reads it (subject, issuer, extensions), so `Certificate.fromPEM` is
 *   memoised per PEM, bounded.
 * - fabric-shim / fabric-contract-api log through winston, which runs the whole format chain
 *   (timestamp, metadata, colorize, padLevels, printf) for every `logger.debug(...)` and only then
 *   lets the transport drop it by level. Records of a level no transport would write are dropped
 *   before formatting instead (same output, nothing is written either way).
 *
 * Both are idempotent and process-wide (fabric-shim's module-level singletons).
 */
import { dirname } from 'node:path';

/** Distinct creator certificates whose parse is kept. */
const CERTIFICATE_CACHE_SIZE = 1024;

const PATCHED = Symbol.for('acetrace.network.shimPerformance');

interface FidmCertificateClass {
  fromPEM(data: string | Buffer): unknown;
  [PATCHED]?: true;
}

interface WinstonLoggerClass {
  prototype: {
    write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean;
    isLevelEnabled(level: string): boolean;
    silent?: boolean;
    [PATCHED]?: true;
  };
}

/** `request` as `fromModule` would load it (its own dependency tree), undefined when absent. */
function requireFrom(fromModule: string, request: string): unknown {
  try {
    const base = dirname(require.resolve(`${fromModule}/package.json`));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve(request, { paths: [base] })) as unknown;
  } catch {
    return undefined;
  }
}

function memoiseCertificateParsing(): void {
  const mod = requireFrom('fabric-shim', '@fidm/x509') as { Certificate?: FidmCertificateClass } | undefined;
  const Certificate = mod?.Certificate;
  if (Certificate === undefined || Certificate[PATCHED] === true) {
    return;
  }
  const parse = Certificate.fromPEM.bind(Certificate);
  const cache = new Map<string, unknown>();
  Certificate.fromPEM = (data: string | Buffer): unknown => {
    const key = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('latin1') : undefined;
    if (key === undefined) {
      return parse(data);
    }
    const hit = cache.get(key);
    if (hit !== undefined) {
      return hit;
    }
    const certificate = parse(data); // throws for a bad PEM: nothing cached
    if (cache.size >= CERTIFICATE_CACHE_SIZE) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) {
        cache.delete(oldest.value);
      }
    }
    cache.set(key, certificate);
    return certificate;
  };
  Certificate[PATCHED] = true;
}

const LEVEL = Symbol.for('level');

function dropDisabledWinstonRecords(): void {
  const winston = requireFrom('fabric-shim', 'winston') as { Logger?: WinstonLoggerClass } | undefined;
  const proto = winston?.Logger?.prototype;
  if (proto === undefined || proto[PATCHED] === true || typeof proto.isLevelEnabled !== 'function') {
    return;
  }
  // called below with the logger as `this`
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const write = proto.write;
  proto.write = function writeIfEnabled(this: WinstonLoggerClass['prototype'], chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (typeof chunk === 'object' && chunk !== null) {
      const level = (chunk as Record<symbol, unknown>)[LEVEL];
      if (typeof level === 'string' && !this.isLevelEnabled(level)) {
        const done = typeof encoding === 'function' ? encoding : callback;
        if (typeof done === 'function') {
          process.nextTick(done);
        }
        return true;
      }
    }
    return write.call(this, chunk, encoding, callback);
  };
  proto[PATCHED] = true;
}

/** Applies both (once per process). */
export function speedUpShim(): void {
  memoiseCertificateParsing();
  dropDisabledWinstonRecords();
}
