/**
 * GET /v1/lots/{lotId}/dossier: the model built once from the caller's provenance (the chaincode's
 * read rules decide: only a full provenance makes a dossier), the screening result and the ledger's
 * height; then one renderer per format.
 */
import type { Principal } from '../auth/principals';
import { AccessDeniedError } from '../errors';
import type { LedgerPort, ProvenanceAnswer } from '../ports/ledger';
import type { ScreeningService } from '../screening/screening.service';
import type { ProvenanceService } from '../services/provenance.service';
import { type DossierModel, type LedgerFacts, buildDossierModel, facilitiesIn, unresolvedGlns } from './model';
import { renderPdf } from './pdf';
import { renderCsv, renderXlsx } from './sheets';
import { type DossierFile, type DossierManifest, type DossierPart, renderZip } from './zip';

export const DOSSIER_FORMATS = ['pdf', 'zip', 'json'] as const;
export type DossierFormat = (typeof DOSSIER_FORMATS)[number];

/** Roles the gateway lets ask for a dossier; the chaincode then decides per lot. */
export const DOSSIER_ROLES: ReadonlySet<string> = new Set(['auditor', 'broker', 'compliance']);

/** The ledger's blocks as far as the dossier needs them (the proofs' block port has this shape). */
export interface DossierBlockSource {
  chainInfo(identity: string): Promise<{ height: number; currentBlockHash: string }>;
  blockByNumber(identity: string, blockNumber: number): Promise<{ header: { previousHash: Uint8Array } }>;
  /** Block numbers of committed transactions (for the upstream lots' events, which the provenance answer leaves without). */
  blockNumbers?(identity: string, txIds: Iterable<string>): Promise<Map<string, number>>;
}

/** Height, last block hash and the hash of each given block (block n's hash is block n+1's previous hash). */
export async function ledgerFactsFrom(blocks: DossierBlockSource | undefined, identity: string, blockNumbers: Iterable<number>): Promise<LedgerFacts> {
  if (!blocks) return { height: null, blockHash: null, blockHashes: new Map() };
  const info = await blocks.chainInfo(identity);
  const hashes = new Map<number, string>();
  for (const n of [...new Set(blockNumbers)].sort((a, b) => a - b)) {
    if (n === info.height - 1) hashes.set(n, info.currentBlockHash);
    else if (n < info.height - 1) hashes.set(n, Buffer.from((await blocks.blockByNumber(identity, n + 1)).header.previousHash).toString('hex'));
  }
  return { height: info.height, blockHash: info.currentBlockHash, blockHashes: hashes };
}

export interface RenderedDossier {
  contentType: string;
  fileName: string;
  body: Buffer;
}

export interface DossierServiceOptions {
  blocks?: DossierBlockSource;
  /** Files other modules add to the ZIP (epcis.jsonld, proof.json). */
  parts?: readonly DossierPart[];
  now?: () => Date;
}

export class DossierService {
  readonly #provenance: ProvenanceService;
  readonly #ledger: LedgerPort;
  readonly #screening: ScreeningService;
  readonly #options: DossierServiceOptions;
  constructor(provenance: ProvenanceService, ledger: LedgerPort, screening: ScreeningService, options: DossierServiceOptions = {}) {
    this.#provenance = provenance;
    this.#ledger = ledger;
    this.#screening = screening;
    this.#options = options;
  }

  /** The model and the provenance it was built from. @throws AccessDeniedError unless the caller sees the full provenance */
  async model(principal: Principal, lotId: string): Promise<{ model: DossierModel; provenance: Omit<ProvenanceAnswer, 'queryMs'> }> {
    if (!DOSSIER_ROLES.has(principal.role)) {
      throw new AccessDeniedError(`role ${principal.role} may not download a dossier; auditor, or broker or compliance of the owning or importing organisation`);
    }
    const answer: ProvenanceAnswer = await this.#provenance.byLot(principal, lotId);
    if (answer.detail !== 'full') {
      throw new AccessDeniedError(`the dossier needs the full provenance of lot ${lotId}: ${principal.role} of ${principal.mspId} sees only its summary (auditor, or broker or compliance of the owning or importing organisation)`);
    }
    // queryMs varies from call to call: left out, so provenance.json depends on the ledger only
    const provenance: Omit<ProvenanceAnswer, 'queryMs'> & { queryMs?: number } = { ...answer };
    delete provenance.queryMs;
    await this.#upstreamBlockNumbers(principal, provenance);
    const blockNumbers = [
      ...provenance.links.flatMap((l) => l.events),
      ...flattenUpstream(provenance.upstream).flatMap((n) => (n.links ?? []).flatMap((l) => l.events as Array<{ blockNumber?: number }>)),
    ].flatMap((e) => (e.blockNumber === undefined ? [] : [e.blockNumber]));
    const facts = await ledgerFactsFrom(this.#options.blocks, principal.identity, blockNumbers);
    const addresses = new Map<string, string | null>();
    for (const party of provenance.parties) {
      const view = await this.#ledger.getOrganisation(principal.identity, party.mspId).catch(() => undefined);
      addresses.set(party.mspId, view?.address ?? null);
    }
    const facilities = facilitiesIn(provenance);
    for (const gln of unresolvedGlns(provenance)) {
      const f = await this.#ledger.getFacility(principal.identity, gln).catch(() => undefined);
      if (f) facilities.push({ gln: f.gln, name: f.name, type: f.type, country: f.country, subdivision: f.subdivision, lat: f.lat, lon: f.lon, mspId: f.mspId });
    }
    const model = buildDossierModel({
      provenance: answer, screening: this.#screening.screen(provenance.parties, provenance.lot.htsCode, facilities), ledger: facts,
      generatedAt: (this.#options.now ?? (() => new Date()))().toISOString(), addresses,
    });
    return { model, provenance };
  }

  /** Fills `blockNumber` of the upstream lots' events (one batched lookup; a failed lookup leaves them without). */
  async #upstreamBlockNumbers(principal: Principal, provenance: Pick<ProvenanceAnswer, 'upstream'>): Promise<void> {
    const index = this.#options.blocks;
    if (!index?.blockNumbers) return;
    const open = flattenUpstream(provenance.upstream).flatMap((n) => (n.links ?? []).flatMap((l) => l.events as Array<{ txId: string; blockNumber?: number }>))
      .filter((e) => e.blockNumber === undefined);
    if (open.length === 0) return;
    const found = await index.blockNumbers(principal.identity, open.map((e) => e.txId)).catch(() => new Map<string, number>());
    for (const e of open) {
      const n = found.get(e.txId);
      if (n !== undefined) e.blockNumber = n;
    }
  }

  /** The dossier in one format. */
  async render(principal: Principal, lotId: string, format: DossierFormat): Promise<RenderedDossier> {
    const { model, provenance } = await this.model(principal, lotId);
    const base = `dossier-${lotId}`;
    if (format === 'json') return { contentType: 'application/json', fileName: `${base}.json`, body: Buffer.from(JSON.stringify(model)) };
    const pdf = await renderPdf(model);
    if (format === 'pdf') return { contentType: 'application/pdf', fileName: `${base}.pdf`, body: pdf };
    const files: DossierFile[] = [
      { name: 'dossier.pdf', bytes: pdf },
      { name: 'provenance.json', bytes: Buffer.from(`${JSON.stringify(provenance, null, 2)}\n`) },
      { name: 'exhibits.csv', bytes: renderCsv(model) },
      { name: 'exhibits.xlsx', bytes: await renderXlsx(model) },
    ];
    const absent: DossierManifest['absent'] = [];
    for (const part of this.#options.parts ?? []) {
      const out = await part.render({ principal, lotId, model });
      if (Buffer.isBuffer(out)) files.push({ name: part.name, bytes: out });
      else absent.push({ name: part.name, reason: out.absent });
    }
    return { contentType: 'application/zip', fileName: `${base}.zip`, body: await renderZip(model, files, absent) };
  }
}

function flattenUpstream(nodes: ProvenanceAnswer['upstream']): ProvenanceAnswer['upstream'] {
  return nodes.flatMap((n) => [n, ...flattenUpstream(n.upstream)]);
}
