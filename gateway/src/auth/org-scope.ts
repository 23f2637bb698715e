/**
 * One gateway per organisation: a view of the ledger port that offers only one organisation's
 * identities, and refuses to act as another organisation's identity even if asked. Production runs
 * one gateway per organisation (each holding only its own keys); `npm start` serves them all.
 */
import { ConfigError } from '../config';
import { AccessDeniedError } from '../errors';
import type { LedgerIdentity, LedgerPort } from '../ports/ledger';

/**
 * Wraps `ledger` so `identities()` lists only `mspId`'s identities, `ping()` defaults to one of
 * them, and any verb called with another organisation's identity (every verb takes the identity
 * first) is refused with 403.
 * @throws ConfigError naming ACETRACE_ORG_MSP when the profile has no identity of `mspId`.
 */
export function scopeLedgerToOrganisation(ledger: LedgerPort, mspId: string): LedgerPort {
  const all = ledger.identities();
  const own: LedgerIdentity[] = all.filter((i) => i.mspId === mspId);
  const first = own[0];
  if (first === undefined) {
    const orgs = [...new Set(all.map((i) => i.mspId))].sort().join(', ') || 'none';
    throw new ConfigError([{ key: 'ACETRACE_ORG_MSP', message: `the connection profile has no identity of ${mspId} (it has: ${orgs})` }]);
  }
  const foreign = new Set(all.filter((i) => i.mspId !== mspId).map((i) => i.name));
  return new Proxy(ledger, {
    get(target, prop) {
      if (prop === 'identities') return (): LedgerIdentity[] => own.map((i) => ({ ...i }));
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]): unknown => {
        if (prop === 'ping' && args[0] === undefined) return fn.call(target, first.name);
        if (typeof args[0] === 'string' && foreign.has(args[0])) {
          return Promise.reject(new AccessDeniedError(`this gateway serves ${mspId} only`));
        }
        return fn.apply(target, args);
      };
    },
  });
}
