/**
 * The dossier ZIP (yazl): dossier.pdf, provenance.json, exhibits.csv, exhibits.xlsx, the files of
 * the plugged-in parts (epcis.jsonld, proof.json), and manifest.json with the SHA-256 of each.
 * Entries are dated with a fixed time and written in a fixed order, so the archive depends only
 * on its files.
 */
import * as crypto from 'node:crypto';
import { ZipFile } from 'yazl';
import type { Principal } from '../auth/principals';
import type { DossierModel } from './model';

/** A file of the ZIP. */
export interface DossierFile {
  name: string;
  bytes: Buffer;
}

/** What a plugged-in part gets to render its file. */
export interface DossierPartContext {
  /** The caller: the part reads the ledger as the caller, under the same read rules. */
  principal: Principal;
  lotId: string;
  model: DossierModel;
}

/**
 * A file another module adds to the dossier ZIP (epcis.jsonld from gateway/src/epcis, proof.json
 * from gateway/src/proofs). `render` answers `{ absent: reason }` when it has nothing for this
 * lot; the manifest then lists the name under `absent` with the reason.
 */
export interface DossierPart {
  readonly name: string;
  render(context: DossierPartContext): Promise<Buffer | { absent: string }>;
}

export interface DossierManifest {
  format: 'acetrace-dossier-manifest/1';
  lotId: string;
  generatedAt: string;
  ledgerHeight: number | null;
  policy: string;
  files: Array<{ name: string; sha256: string; bytes: number }>;
  absent: Array<{ name: string; reason: string }>;
}

/** Fixed entry time: 1980-01-01, the first instant a ZIP can record. */
const ENTRY_TIME = new Date(1980, 0, 1);

export const sha256Hex = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

/** The manifest of a set of files. */
export function manifestOf(model: DossierModel, files: readonly DossierFile[], absent: DossierManifest['absent']): DossierManifest {
  return {
    format: 'acetrace-dossier-manifest/1', lotId: model.lot.lotId, generatedAt: model.generatedAt, ledgerHeight: model.ledger.height,
    policy: model.policy, files: files.map((f) => ({ name: f.name, sha256: sha256Hex(f.bytes), bytes: f.bytes.length })), absent,
  };
}

/** Packs the files and their manifest.json into a ZIP. */
export function renderZip(model: DossierModel, files: readonly DossierFile[], absent: DossierManifest['absent'] = []): Promise<Buffer> {
  const manifest = Buffer.from(`${JSON.stringify(manifestOf(model, files, absent), null, 2)}\n`);
  const zip = new ZipFile();
  for (const f of [...files, { name: 'manifest.json', bytes: manifest }]) {
    zip.addBuffer(f.bytes, f.name, { mtime: ENTRY_TIME, mode: 0o100644, compress: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => { chunks.push(c); });
    zip.outputStream.on('end', () => { resolve(Buffer.concat(chunks)); });
    zip.outputStream.on('error', reject);
  });
}
