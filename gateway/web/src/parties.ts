// Parties and facilities: every organisation in the answer with its legal name, country,
// supply-chain roles and the facilities of its that the provenance names.
import { h } from './dom';
import type { FacilityRef, Party, Provenance } from './types';

/** "Huaxia Cotton & Apparel Group Co., Ltd. (Org1MSP)", or the MSP id alone when it registered no profile. */
export function partyLabel(p: Provenance, mspId: string): string {
  const party = p.parties.find((x) => x.mspId === mspId);
  return party?.legalName ? `${party.legalName} (${mspId})` : mspId;
}

/** The registered facility with this GLN among the answer's parties, if any. */
export function facilityByGln(p: Provenance, gln: string): FacilityRef | undefined {
  for (const party of p.parties) {
    const found = party.facilities.find((f) => f.gln === gln);
    if (found) return found;
  }
  return undefined;
}

/** "Ningbo garment factory (factory, CN-ZJ)". */
export function facilityText(f: FacilityRef): string {
  return `${f.name} (${f.type}, ${f.subdivision ?? f.country})`;
}

function renderFacility(f: FacilityRef): HTMLElement {
  return h(
    'li',
    { class: 'facility', 'data-gln': f.gln },
    h('span', { class: 'facility-name' }, f.name),
    ' · ',
    f.type,
    ' · ',
    f.subdivision ?? f.country,
    ' · GLN ',
    h('code', {}, f.gln),
  );
}

function renderParty(party: Party): HTMLElement {
  return h(
    'li',
    { class: 'party', 'data-msp': party.mspId },
    h('p', { class: 'party-name' }, h('strong', {}, party.legalName ?? 'No profile registered'), ' ', h('code', {}, party.mspId)),
    h(
      'p',
      { class: 'party-meta' },
      party.country ? `${party.country} · ` : '',
      party.roles.length > 0 ? party.roles.join(', ') : 'no supply-chain roles declared',
    ),
    party.facilities.length > 0 ? h('ul', { class: 'facilities' }, party.facilities.map(renderFacility)) : null,
  );
}

/** The parties section; a summary answer lists none. */
export function renderParties(p: Provenance): HTMLElement {
  return h(
    'section',
    { class: 'parties card', 'aria-labelledby': 'parties-heading', id: 'parties' },
    h('h3', { id: 'parties-heading' }, `Parties (${String(p.parties.length)})`),
    p.parties.length === 0
      ? h('p', { class: 'none' }, p.detail === 'summary' ? 'Not shown to this key.' : 'No parties recorded.')
      : h('ul', { class: 'party-list' }, p.parties.map(renderParty)),
  );
}
