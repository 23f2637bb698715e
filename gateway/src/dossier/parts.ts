/**
 * The dossier ZIP's files from the other modules: epcis.jsonld (gateway/src/epcis, the lot's
 * provenance as an EPCIS 2.0 document dated with the dossier's generation time) and proof.json
 * (gateway/src/proofs, the acetrace-proof/1 bundle of the lot's events, verifiable offline).
 */
import { epcisDocument } from '../epcis/mapping';
import type { EpcisService } from '../epcis/service';
import { AppError } from '../errors';
import type { ProofService } from '../proofs/proof.service';
import type { DossierPart } from './zip';

/** epcis.jsonld: the lot's events as EPCIS 2.0 JSON-LD. */
export function epcisPart(epcis: EpcisService): DossierPart {
  return {
    name: 'epcis.jsonld',
    async render({ principal, lotId, model }) {
      const doc = epcisDocument(await epcis.lotEvents(principal, lotId), new Date(model.generatedAt));
      return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
    },
  };
}

/** proof.json: the lot's proof bundle; a bundle that cannot be built is named absent with the reason (the dossier stands without it). */
export function proofPart(proofs: ProofService): DossierPart {
  return {
    name: 'proof.json',
    async render({ principal, lotId }) {
      try {
        return Buffer.from(`${JSON.stringify((await proofs.forLot(principal, lotId)).bundle)}\n`);
      } catch (err) {
        if (err instanceof AppError) return { absent: `${err.code}: ${err.message}` };
        throw err;
      }
    },
  };
}
