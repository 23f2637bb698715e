/**
 * acetrace-verify bundle.json [--json]: verifies a proof bundle offline.
 * Exit 0 when every check passes, 1 when a check fails (named with its event), 2 when the
 * input cannot be read as a bundle.
 */
import { readFileSync } from 'node:fs';
import { BundleFormatError } from './bundle';
import { describeFailure, formatReport } from './report';
import { verifyBundle } from './verify';

export const EXIT_VERIFIED = 0;
export const EXIT_FAILED = 1;
export const EXIT_UNREADABLE = 2;

const USAGE = 'usage: acetrace-verify <bundle.json | -> [--json]';

/** Runs the command with its arguments; returns the exit code and writes to the given streams. */
export function main(args: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (files.length !== 1 || files[0]!.startsWith('--') || args.includes('--help')) {
    err(USAGE);
    return EXIT_UNREADABLE;
  }
  const file = files[0]!;
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (e) {
    err(`acetrace-verify: cannot read ${file} as JSON: ${(e as Error).message}`);
    return EXIT_UNREADABLE;
  }
  try {
    const report = verifyBundle(input);
    out(json ? JSON.stringify(report, null, 2) : formatReport(report));
    if (!report.ok) {
      const first = report.failures[0];
      err(`acetrace-verify: FAILED ${first ? describeFailure(first) : ''}`);
      return EXIT_FAILED;
    }
    return EXIT_VERIFIED;
  } catch (e) {
    if (!(e instanceof BundleFormatError)) throw e;
    if (json) out(JSON.stringify({ ok: false, error: 'not-a-bundle', path: e.path, detail: e.message }, null, 2));
    err(`acetrace-verify: ${file} is not an acetrace-proof/1 bundle: ${e.message}`);
    return EXIT_UNREADABLE;
  }
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
