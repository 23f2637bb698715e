/**
 * Screening (dossier.md "Screening"): operators upload entity lists; the parties of a provenance
 * are matched against every stored list, facilities against high-risk subdivisions, the HTS code
 * against the high-priority sector table. Every answer names the list versions it used.
 */
import * as crypto from 'node:crypto';
import type { FacilityRef, Party } from '@acetrace/chaincode';
import type { Principal } from '../auth/principals';
import { NotFoundError, ValidationError } from '../errors';
import { type ListFormat, parseList } from './lists';
import { nameSimilarity, normaliseName } from './names';
import { type SectorHeading, sectorsOf } from './sectors';
import type { ScreeningListStore, ScreeningListVersion, StoredList } from './store';

/** Default similarity from which a non-exact match is reported as near. */
export const NEAR_MATCH_THRESHOLD = 0.88;
/** ISO 3166-2 subdivisions screened as high risk when none are configured. */
export const DEFAULT_HIGH_RISK_SUBDIVISIONS: readonly string[] = ['CN-XJ'];

/** One party name against one listed entity. */
export interface ScreeningMatch {
  mspId: string;
  /** The party's name as screened (legal name, else MSP id). */
  partyName: string;
  list: string;
  listSha256: string;
  listedName: string;
  /** The listed name or alias that matched best. */
  matchedOn: string;
  via: 'name' | 'alias';
  score: number;
  country: string | null;
  sourceId: string;
}

export interface HighRiskFacility {
  gln: string;
  name: string;
  mspId: string;
  subdivision: string;
}

export interface ScreeningResult {
  lists: ScreeningListVersion[];
  threshold: number;
  /** Normalised names equal (score 1). */
  exactMatches: ScreeningMatch[];
  /** Similar at or above the threshold. */
  nearMatches: ScreeningMatch[];
  /** Parties screened (each with the name used). */
  screened: Array<{ mspId: string; name: string }>;
  highRiskSubdivisions: string[];
  highRiskFacilities: HighRiskFacility[];
  htsCode: string;
  sectors: SectorHeading[];
}

export interface ScreeningOptions {
  highRiskSubdivisions?: readonly string[];
  threshold?: number;
  now?: () => Date;
}

export class ScreeningService {
  readonly #store: ScreeningListStore;
  readonly #highRisk: readonly string[];
  readonly #threshold: number;
  readonly #now: () => Date;
  constructor(store: ScreeningListStore, options: ScreeningOptions = {}) {
    this.#store = store;
    this.#highRisk = options.highRiskSubdivisions ?? DEFAULT_HIGH_RISK_SUBDIVISIONS;
    this.#threshold = options.threshold ?? NEAR_MATCH_THRESHOLD;
    this.#now = options.now ?? (() => new Date());
  }

  /** Stores a list under `name` (replacing an earlier one): parsed, hashed and timed. */
  upload(principal: Principal, name: string, format: ListFormat, body: Buffer): ScreeningListVersion {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (err) {
      throw new ValidationError([{ path: 'body', message: 'must be UTF-8 text' }], 'the list is not UTF-8', { cause: err });
    }
    const entities = parseList(format, text);
    if (entities.length === 0) throw new ValidationError([{ path: 'body', message: 'the list holds no entity' }]);
    const stored: StoredList = {
      name, format, entities, entries: entities.length, uploadedBy: principal.name,
      sha256: crypto.createHash('sha256').update(body).digest('hex'), uploadedAt: this.#now().toISOString(),
    };
    this.#store.put(stored);
    return versionOf(stored);
  }

  versions(): ScreeningListVersion[] {
    return this.#store.versions();
  }

  /** A list's version and entities. @throws NotFoundError */
  list(name: string): StoredList {
    const found = this.#store.get(name);
    if (!found) throw new NotFoundError(`no screening list ${name}`);
    return found;
  }

  /** Screens parties against every stored list, the facilities (the parties' and any others named) and the HTS code. */
  screen(parties: readonly Party[], htsCode: string, facilities: readonly FacilityRef[] = []): ScreeningResult {
    const lists = this.#store.all();
    const exactMatches: ScreeningMatch[] = [];
    const nearMatches: ScreeningMatch[] = [];
    const screened = parties.map((p) => ({ mspId: p.mspId, name: p.legalName ?? p.mspId }));
    for (const party of screened) {
      for (const list of lists) {
        for (const m of matchesIn(party, list, this.#threshold)) (m.score === 1 ? exactMatches : nearMatches).push(m);
      }
    }
    const byScore = (a: ScreeningMatch, b: ScreeningMatch): number => b.score - a.score || a.mspId.localeCompare(b.mspId) || a.listedName.localeCompare(b.listedName);
    const highRiskFacilities = [...parties.flatMap((p) => p.facilities), ...facilities]
      .filter((f) => f.subdivision !== null && this.#highRisk.includes(f.subdivision))
      .map((f) => ({ gln: f.gln, name: f.name, mspId: f.mspId, subdivision: f.subdivision as string }));
    return {
      lists: lists.map(versionOf),
      threshold: this.#threshold,
      exactMatches: exactMatches.sort(byScore),
      nearMatches: nearMatches.sort(byScore),
      screened,
      highRiskSubdivisions: [...this.#highRisk],
      highRiskFacilities: [...new Map(highRiskFacilities.map((f) => [f.gln, f])).values()].sort((a, b) => a.gln.localeCompare(b.gln)),
      htsCode,
      sectors: sectorsOf(htsCode),
    };
  }
}

/** A stored list's version fields, without its entities. */
function versionOf(list: StoredList): ScreeningListVersion {
  return { name: list.name, sha256: list.sha256, uploadedAt: list.uploadedAt, uploadedBy: list.uploadedBy, format: list.format, entries: list.entries };
}

/** The listed entities of one list a party's name matches: the best of its name and aliases each. */
export function matchesIn(party: { mspId: string; name: string }, list: StoredList, threshold: number): ScreeningMatch[] {
  if (normaliseName(party.name) === '') return [];
  const out: ScreeningMatch[] = [];
  for (const entity of list.entities) {
    let best: { score: number; on: string; via: 'name' | 'alias' } = { score: nameSimilarity(party.name, entity.name), on: entity.name, via: 'name' };
    for (const alias of entity.aliases) {
      const score = nameSimilarity(party.name, alias);
      if (score > best.score) best = { score, on: alias, via: 'alias' };
    }
    if (best.score < threshold) continue;
    out.push({
      mspId: party.mspId, partyName: party.name, list: list.name, listSha256: list.sha256, listedName: entity.name,
      matchedOn: best.on, via: best.via, score: best.score, country: entity.country, sourceId: entity.sourceId,
    });
  }
  return out;
}
