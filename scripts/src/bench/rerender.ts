/**
 * `node scripts/dist/bench/rerender.js [--dir bench/results]`: writes a run's Markdown report and charts again
 * from its `latest.json` (after a change to the report's layout; the figures are not measured again).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cliOptions } from './lib/cli';
import { writeReports, type Results } from './lib/report';

const { dir } = cliOptions({ dir: 'bench/results' });
const out = resolve(dir);
writeReports(JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Results, out);
console.log(`written ${out}/latest.md and its charts again from latest.json`);
