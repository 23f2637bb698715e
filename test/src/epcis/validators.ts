/**
 * Independent checks of what acetrace emits: GS1's EPCIS 2.0 JSON schema (fixtures/epcis/, from
 * gs1/EPCIS) with ajv, and epcis2.js's own validator. Neither is the gateway's code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { validateEpcisDocument } from 'epcis2.js';
import { expect } from '../scenarios/chai.test';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/epcis');

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const schema = ajv.compile(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'EPCIS-JSON-Schema.json'), 'utf8')) as object);

/** Fails unless `doc` validates against GS1's schema (ajv) and epcis2.js's validator. */
export function expectValidEpcis(doc: unknown, what: string): void {
  const ok = schema(doc);
  const errors = (schema.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  expect(ok, `${what} against EPCIS-JSON-Schema.json:\n  ${errors.join('\n  ')}`).to.equal(true);
  const sdk = validateEpcisDocument(doc as object, false);
  expect(sdk.success, `${what} with epcis2.js: ${sdk.errors.slice(0, 5).join('; ')}`).to.equal(true);
}

/** The GS1 example documents of the standard (fixtures/epcis/gs1-examples). */
export function gs1Examples(): Array<{ name: string; doc: Record<string, unknown> }> {
  const dir = path.join(FIXTURES, 'gs1-examples');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonld'))
    .sort()
    .map((name) => ({ name, doc: JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown> }));
}
