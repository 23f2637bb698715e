// Chain of custody (who held the lot, from when to when, by which handover) and containment
// (the intervals the lot spent inside cartons, pallets and containers).
import { card, domId, formatTime, h } from './dom';
import { facilityByGln, facilityText, partyLabel } from './parties';
import type { ContainmentEntry, CustodyEntry, Provenance } from './types';

function period(from: string | null, until: string | null, open: string): string {
  return `${from ? formatTime(from) : 'from the start'} → ${until ? formatTime(until) : open}`;
}

function eventRef(eventId: string): HTMLElement {
  return h('a', { href: `#${domId('ev', eventId)}`, class: 'event-ref' }, eventId);
}

function renderCustodian(p: Provenance, c: CustodyEntry, i: number): HTMLElement {
  const facility = c.gln ? facilityByGln(p, c.gln) : undefined;
  return h(
    'li',
    { class: 'custodian', 'data-msp': c.mspId },
    h('p', { class: 'custodian-name' }, h('strong', {}, partyLabel(p, c.mspId))),
    h('p', { class: 'custody-period' }, period(c.from, c.until, 'now')),
    h(
      'p',
      { class: 'custody-how' },
      c.eventId ? ['received by handover ', eventRef(c.eventId)] : i === 0 ? 'owner since registration' : '',
      c.gln ? [' at ', facility ? facilityText(facility) : ['GLN ', h('code', {}, c.gln)]] : null,
    ),
  );
}

function renderCustody(p: Provenance): HTMLElement {
  const chain =
    p.custody.length === 0
      ? h('p', { class: 'none' }, 'Not shown to this key.')
      : h('ol', { class: 'custody-chain' }, p.custody.map((c, i) => renderCustodian(p, c, i)));
  return card('custody', 'Chain of custody', chain);
}

function renderInterval(c: ContainmentEntry): HTMLElement {
  return h(
    'li',
    { class: 'interval', 'data-lot': c.lotId, 'data-parent': c.parentLotId },
    h('p', {}, h('code', {}, c.lotId), ' inside ', h('code', {}, c.parentLotId)),
    h('p', { class: 'interval-period' }, period(c.from, c.until, 'still inside')),
    h(
      'p',
      { class: 'interval-how' },
      c.packEventId ? ['packed by ', eventRef(c.packEventId)] : 'packed at registration',
      c.unpackEventId ? ['; unpacked by ', eventRef(c.unpackEventId)] : null,
      c.detail === 'summary' ? ' · the container’s events are not shown to this key' : null,
    ),
  );
}

function renderContainment(p: Provenance): HTMLElement {
  return card(
    'containment',
    'Containment',
    p.containment.length === 0
      ? h('p', { class: 'none' }, 'Never packed into a carton, pallet or container.')
      : [
          h('p', { class: 'hint' }, 'The timeline includes a container’s events only while the lot was inside it.'),
          h('ol', { class: 'intervals' }, p.containment.map(renderInterval)),
        ],
  );
}

/** Custody chain and containment intervals, side by side. */
export function renderCustodyAndContainment(p: Provenance): HTMLElement[] {
  return [renderCustody(p), renderContainment(p)];
}
