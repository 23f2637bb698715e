/** The benchmark's progress log: stderr, so stdout carries only the Markdown report. */
export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
