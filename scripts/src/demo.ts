/**
 * `npm run demo`: seeds a realistic multi-tier journey (./demo/journey.ts) into a running `npm start`
 * through its HTTP API, then prints the auditor page's address for the shirts and an auditor's API
 * key. Reads the API keys `npm start` wrote (`<ACETRACE_DATA_DIR>/credentials.json`); the gateway's
 * address is ACETRACE_URL, else http://127.0.0.1:<PORT or 8080>. Running it again repeats every
 * request and changes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DemoStepError, seedDemo } from './demo/seed';

interface Credential {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.ACETRACE_DATA_DIR ?? '.acetrace');
  const url = (process.env.ACETRACE_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`).replace(/\/$/, '');
  const file = path.join(dataDir, 'credentials.json');
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: start acetrace first (npm start), with the same ACETRACE_DATA_DIR`);
  const credentials = (JSON.parse(fs.readFileSync(file, 'utf8')) as { principals: Credential[] }).principals;
  const keyOf = (role: string, mspId: string): string => {
    const c = credentials.find((x) => x.role === role && x.mspId === mspId);
    if (!c) throw new Error(`${file} has no ${role} of ${mspId}`);
    return c.apiKey;
  };
  const msps = [...new Set(credentials.map((c) => c.mspId))].sort();
  const [producer, carrier, importer] = msps;
  if (producer === undefined || carrier === undefined || importer === undefined) {
    throw new Error(`the demo needs three organisations; ${file} names ${msps.join(', ')}`);
  }
  const ready = await fetch(`${url}/readyz`).catch((err: unknown) => {
    throw new Error(`no gateway answers at ${url} (${err instanceof Error ? err.message : String(err)}); is npm start running? (ACETRACE_URL or PORT)`);
  });
  if (!ready.ok) throw new Error(`${url}/readyz answered ${String(ready.status)}: the ledger is not ready yet`);

  process.stdout.write(`seeding the demo journey into ${url}\n`);
  const out = await seedDemo({ url, keyOf, orgs: { producer, carrier, importer }, log: (line) => process.stdout.write(`${line}\n`) });
  const auditor = keyOf('auditor', importer);
  process.stdout.write(
    [
      '',
      `${String(out.requests)} requests (${String(out.repeats)} registrations were already there)`,
      '',
      'Open the auditor page on the shirts (sign in with the auditor key below):',
      `  ${url}/#q=${encodeURIComponent(out.lots.shirts)}`,
      `  auditor API key (${importer}): ${auditor}`,
      '',
      'or ask the API:',
      `  curl -s -H "x-api-key: ${auditor}" ${url}/v1/lots/${out.lots.shirts}/provenance`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  const message = err instanceof DemoStepError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`demo failed: ${message}\n`);
  process.exit(1);
});
