/**
 * Private data in answers (domain.md "Private data"): the chaincode's provenance says only that private data
 * exists (hash, collection, purge time). For a reader entitled to the lot's full provenance, the cleartext is
 * fetched from each recording organisation's own peer (GetPrivateData, targeted there; the chaincode checks the
 * reader again) and merged in: the private fields with their salt, and the evidence URIs back on their evidence.
 * Anyone else keeps the markers.
 */
import type { LedgerPort, PrivateAnswer, PrivateRecordView, ProvenanceAnswer, ProvenanceEventAnswer } from '../ports/ledger';

/** The organisation an implicit collection belongs to (`_implicit_org_<MSP>`). */
function mspOfCollection(collection: string): string | undefined {
  return /^_implicit_org_(.+)$/.exec(collection)?.[1];
}

/** The cleartext of one record on its marker (state, value, salt); a purged or missing one says so. */
function withRecord(marker: PrivateAnswer, record: PrivateRecordView | undefined): PrivateAnswer {
  if (!record) return { ...marker, state: 'unavailable', value: null, salt: null };
  return { ...marker, state: record.state, value: record.value, salt: record.salt };
}

/** An event with its private record merged in: evidence URIs back on their evidence items. */
function revealEvent(event: ProvenanceEventAnswer, record: PrivateRecordView | undefined): void {
  if (!event.private) return;
  event.private = withRecord(event.private, record);
  const uris = record?.value?.evidenceUris;
  if (uris) event.evidence = event.evidence.map((e, i) => (uris[i] ? { ...e, uri: uris[i] } : e));
}

/**
 * Merges the cleartext into a full-detail answer, in place: one GetPrivateData per organisation that holds
 * unpurged private records of the lot. A refusal (the chaincode's entitlement check) or an unreachable peer
 * leaves that organisation's markers as they are, marked `unavailable`; the answer itself never fails for it.
 */
export async function revealPrivate(ledger: LedgerPort, identity: string, prov: Omit<ProvenanceAnswer, 'queryMs'>): Promise<void> {
  if (prov.detail !== 'full') return;
  const lotId = prov.lot.lotId;
  const own = prov.links.flatMap((l) => l.events).filter((e) => e.lotId === lotId && e.private);
  const markers = [...(prov.lot.private ? [prov.lot.private] : []), ...own.map((e) => e.private as PrivateAnswer)];
  const msps = [...new Set(markers.filter((m) => m.purgedAt === null).flatMap((m) => mspOfCollection(m.collection) ?? []))];
  const records = new Map<string, PrivateRecordView>();
  await Promise.all(
    msps.map(async (msp) => {
      try {
        const view = await ledger.privateData(identity, lotId, msp);
        for (const r of view.records) records.set(`${r.collection}\u0000${r.eventId ?? ''}`, r);
      } catch {
        // a refusal (the chaincode's own entitlement check) or an unreachable peer: those markers stay, `unavailable`
      }
    }),
  );
  const purged = (m: PrivateAnswer): PrivateRecordView | undefined =>
    m.purgedAt === null ? undefined : { scope: 'event', eventId: null, hash: m.hash, collection: m.collection, state: 'purged', value: null, salt: null, purgedAt: m.purgedAt };
  if (prov.lot.private) prov.lot.private = withRecord(prov.lot.private, records.get(`${prov.lot.private.collection}\u0000`) ?? purged(prov.lot.private));
  for (const e of own) {
    const m = e.private as PrivateAnswer;
    revealEvent(e, records.get(`${m.collection}\u0000${e.eventId}`) ?? purged(m));
  }
}
