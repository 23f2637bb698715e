/** Parses request parts with zod; failures become ValidationError naming each field. */
import type { z } from 'zod';
import { type FieldError, ValidationError } from '../errors';

/** `['events', 2, 'location', 'lat']` → `events[2].location.lat`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${String(part)}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ path: join(prefix, formatPath([...issue.path, key])), message: 'unknown field' });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // report the branch that got furthest (fewest issues)
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      errors.push(...issuesToErrors(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })), prefix));
      continue;
    }
    errors.push({ path: join(prefix, formatPath(issue.path)), message: issue.message });
  }
  return errors;
}

function join(prefix: string, path: string): string {
  if (prefix === '') return path === '' ? 'body' : path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/**
 * Parses `value` with `schema`.
 * @param where - prefix naming the request part (`query`, `params`, or '' for the body).
 * @throws {@link ValidationError} listing each field.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = issuesToErrors(result.error.issues, where);
  const first = errors[0];
  const detail = first ? `${first.path}: ${first.message}` : 'the request is invalid';
  throw new ValidationError(errors, detail);
}
