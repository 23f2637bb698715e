/**
 * Entity lists the operator uploads (no official machine-readable UFLPA Entity List exists): CSV with
 * the columns `name`, `aliases` (separated by `;` or `|`), `country`, `address`, parsed with
 * csv-parse; or JSON lines of OpenSanctions entities (`{ id, schema, caption, properties: { name,
 * alias, country, address } }`). Every entry with a name is kept; a bad row is a 400 naming it.
 */
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../errors';

/** One listed entity. */
export interface ListedEntity {
  name: string;
  aliases: string[];
  country: string | null;
  address: string | null;
  /** The entry's id in its source (OpenSanctions id), else its row number. */
  sourceId: string;
}

export const LIST_FORMATS = ['csv', 'opensanctions-jsonl'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** The list format a Content-Type names, or undefined. */
export function formatOfContentType(contentType: string | undefined): ListFormat | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/jsonlines') return 'opensanctions-jsonl';
  return undefined;
}

const splitAliases = (s: string | undefined): string[] =>
  (s ?? '').split(/[;|]/).map((a) => a.trim()).filter((a) => a.length > 0);

/** The entities of an uploaded list. @throws ValidationError naming the row or line */
export function parseList(format: ListFormat, text: string): ListedEntity[] {
  return format === 'csv' ? parseCsv(text) : parseOpenSanctions(text);
}

function parseCsv(text: string): ListedEntity[] {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), bom: true, trim: true, skip_empty_lines: true });
  } catch (err) {
    throw new ValidationError([{ path: 'body', message: `not readable CSV: ${(err as Error).message}` }], 'the list is not readable CSV', { cause: err });
  }
  if (rows.length > 0 && !('name' in (rows[0] as object))) {
    throw new ValidationError([{ path: 'body', message: 'the CSV header must name a `name` column (and may name aliases, country, address)' }]);
  }
  return rows.map((row, i) => {
    const name = row.name ?? '';
    if (name === '') throw new ValidationError([{ path: `body[row ${String(i + 2)}].name`, message: 'is empty' }]);
    return { name, aliases: splitAliases(row.aliases), country: presentOrNull(row.country), address: presentOrNull(row.address), sourceId: `row-${String(i + 2)}` };
  });
}

/** A CSV cell's value, or null when the column is absent or the cell empty. */
function presentOrNull(cell: string | undefined): string | null {
  return cell === undefined || cell === '' ? null : cell;
}

interface OpenSanctionsEntity {
  id?: unknown;
  caption?: unknown;
  properties?: Record<string, unknown>;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : []);

function parseOpenSanctions(text: string): ListedEntity[] {
  const out: ListedEntity[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let e: OpenSanctionsEntity;
    try {
      e = JSON.parse(line) as OpenSanctionsEntity;
    } catch (err) {
      throw new ValidationError([{ path: `body[line ${String(i + 1)}]`, message: 'is not JSON' }], 'the list is not JSON lines', { cause: err });
    }
    out.push(listedEntityOf(e, i));
  });
  return out;
}

/** The listed entity of one OpenSanctions JSON line (i: its 0-based line index). */
function listedEntityOf(e: OpenSanctionsEntity, i: number): ListedEntity {
  const props = e.properties ?? {};
  const names = strings(props.name);
  const name = names[0] ?? (typeof e.caption === 'string' ? e.caption : undefined);
  if (!name) throw new ValidationError([{ path: `body[line ${String(i + 1)}].properties.name`, message: 'an entity needs a name or caption' }]);
  const aliases = [...new Set([...names.slice(1), ...strings(props.alias), ...strings(props.weakAlias), ...strings(props.previousName)])].filter((a) => a !== name);
  return {
    name, aliases, country: strings(props.country)[0] ?? strings(props.jurisdiction)[0] ?? null, address: strings(props.address)[0] ?? null,
    sourceId: typeof e.id === 'string' ? e.id : `line-${String(i + 1)}`,
  };
}
