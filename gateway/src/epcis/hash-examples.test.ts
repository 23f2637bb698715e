/** The CBV 2.0 reference implementation's hash examples, for the unit and integration tests (no tests here). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One published example: an event in its document's context and the hash ID the reference computes. */
export interface HashExample {
  file: string;
  index: number;
  context: unknown;
  ignoreFields: string[];
  event: Record<string, unknown>;
  hash: string;
}

/** The reference implementation's test inputs and expected hash IDs (data, see the file's `source`). */
export const hashExamples = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../src/epcis/testdata/cbv-hash-examples.json'), 'utf8'),
) as { source: string; examples: HashExample[] };
