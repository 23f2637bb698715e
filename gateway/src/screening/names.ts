/**
 * Name matching for screening (dossier.md "Screening"): names normalised (case, accents,
 * punctuation, legal-form suffixes, transliteration spacing) and compared with Jaro-Winkler
 * similarity from cmpstr, a maintained string-similarity library.
 */
import { CmpStr } from 'cmpstr';

/**
 * Legal-form words dropped at the end of a name (any order, repeated): "Huafu Textile Co., Ltd."
 * and "HUAFU TEXTILE" are one name. Multi-word forms are matched after punctuation is removed.
 */
const LEGAL_FORMS = [
  'co ltd', 'company limited', 'limited liability company', 'joint stock company', 'public limited company',
  'co', 'ltd', 'limited', 'company', 'corp', 'corporation', 'inc', 'incorporated', 'llc', 'llp', 'lp', 'plc',
  'gmbh', 'ag', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'oy', 'ab', 'as', 'kk', 'pte', 'pvt', 'pty', 'jsc', 'ojsc',
  'group', 'holdings', 'holding',
].sort((a, b) => b.length - a.length);

/** Lower case, accents and punctuation removed, legal-form suffixes stripped, spaces collapsed. */
export function normaliseName(name: string): string {
  let s = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\./g, '') // S.A. is sa, Co., Ltd. is co ltd
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
  for (let changed = true; changed; ) {
    changed = false;
    for (const form of LEGAL_FORMS) {
      if (s.endsWith(` ${form}`)) {
        s = s.slice(0, -form.length - 1).trim();
        changed = true;
      }
    }
  }
  return s;
}

/** The normalised name without spaces: transliterations split syllables differently ("Hua Fu", "Huafu"). */
export function compactName(name: string): string {
  return normaliseName(name).replace(/ /g, '');
}

const jaroWinkler = CmpStr.create().setMetric('jaroWinkler');

/** Jaro-Winkler similarity 0..1 of two strings. */
function similarity(a: string, b: string): number {
  const result = jaroWinkler.test(a, b) as { match: number };
  return result.match;
}

/** Similarity 0..1 of two names after normalisation: the better of spaced and compact comparison. */
export function nameSimilarity(a: string, b: string): number {
  const na = normaliseName(a);
  const nb = normaliseName(b);
  if (na === '' || nb === '') return 0;
  if (na === nb || na.replace(/ /g, '') === nb.replace(/ /g, '')) return 1;
  const spaced = similarity(na, nb);
  const compact = similarity(na.replace(/ /g, ''), nb.replace(/ /g, ''));
  return Math.round(Math.max(spaced, compact) * 1000) / 1000;
}
