/**
 * acetrace-verify bundle.json [--json]: verifies a proof bundle offline.
 * Exit 0 when every check passes, 1 when a check fails (named with its event), 2 when the
 * input cannot be read as a bundle.
 */
import { readFileSync } from 'node:fs';
import { BundleFormatError } from './bundle';
import { describeFailure, formatReport, type Report } from './report';
import { verifyBundle } from './verify';

export const EXIT_VERIFIED = 0;
export const EXIT_FAILED = 1;
export const EXIT_UNREADABLE = 2;

const USAGE = 'usage: acetrace-verify <bundle.json | -> [--json]';

/** Runs the command with its arguments; returns the exit code and writes to the given streams. */
export function main(args: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const json = args.includes('--json');
  const file = bundleFileOf(args);
  if (file === undefined) {
    err(USAGE);
    return EXIT_UNREADABLE;
  }
  const input = readJson(file, err);
  if (!input) return EXIT_UNREADABLE;
  try {
    return answer(verifyBundle(input.value), json, out, err);
  } catch (e) {
    if (!(e instanceof BundleFormatError)) throw e;
    if (json) out(JSON.stringify({ ok: false, error: 'not-a-bundle', path: e.path, detail: e.message }, null, 2));
    err(`acetrace-verify: ${file} is not an acetrace-proof/1 bundle: ${e.message}`);
    return EXIT_UNREADABLE;
  }
}

/** The one bundle file the arguments name (`-` for stdin); undefined when they are not a valid use. */
function bundleFileOf(args: readonly string[]): string | undefined {
  const files = args.filter((a) => a !== '--json');
  const file = files.length === 1 ? files[0] : undefined;
  if (file === undefined || file.startsWith('--') || args.includes('--help')) return undefined;
  return file;
}

/** The file (or stdin) parsed as JSON; undefined, with the reason written to `err`, when it cannot be. */
function readJson(file: string, err: (s: string) => void): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8')) as unknown };
  } catch (e) {
    err(`acetrace-verify: cannot read ${file} as JSON: ${(e as Error).message}`);
    return undefined;
  }
}

/** Writes the report (text or JSON) and, when it failed, its first failure; returns the exit code. */
function answer(report: Report, json: boolean, out: (s: string) => void, err: (s: string) => void): number {
  out(json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (report.ok) return EXIT_VERIFIED;
  const first = report.failures[0];
  err(`acetrace-verify: FAILED ${first ? describeFailure(first) : ''}`);
  return EXIT_FAILED;
}

/** main() over process.argv, stdout and stderr; returns the exit code. */
export function runFromProcess(): number {
  return main(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
  );
}

if (require.main === module) process.exitCode = runFromProcess();
