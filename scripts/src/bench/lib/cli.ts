/** A standalone benchmark's command line. */
import { parseArgs } from 'node:util';

/** The `--name value` options (each with its default) and `--flag` booleans of this process's command line. */
export function cliOptions<S extends string, F extends string = never>(defaults: Record<S, string>, flags: readonly F[] = []): Record<S, string> & Record<F, boolean> {
  const options: Record<string, { type: 'string'; default: string } | { type: 'boolean'; default: boolean }> = {};
  for (const [name, value] of Object.entries<string>(defaults)) options[name] = { type: 'string', default: value };
  for (const flag of flags) options[flag] = { type: 'boolean', default: false };
  return parseArgs({ options }).values as Record<S, string> & Record<F, boolean>;
}
