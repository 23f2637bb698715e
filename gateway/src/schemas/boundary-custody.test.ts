/**
 * The boundary corpus of boundary.test.ts, for the fields custody, containment and transformation
 * added: `handoverTo`/`handoverToGln` (handover), `action`/`parentLotId`/`childLotIds`
 * (aggregation), a lot's `inputs`, and the bodies of /v1/organisations, /v1/facilities and
 * /v1/devices. Each entry goes to the gateway's zod schema and to the
 * chaincode's validator and must get the same verdict, which is also pinned. Kept in its own file
 * so the main corpus can change shape without touching these entries.
 */
import '../quiet-chaincode';
import {
  MAX_ADDRESS_LENGTH, MAX_AGGREGATION_CHILDREN, MAX_INPUTS_PER_LOT, MAX_NAME_LENGTH, validateDeviceInput, validateFacilityInput,
  validateOrganisationProfileInput,
} from '@acetrace/chaincode';
import fc from 'fast-check';
import { expect } from '../chai.test';
import { type BoundaryCase, bodyVerdict, chaincodeAccepts } from './chaincode-verdict.test';
import { EventInput, PostEventsBody } from './events';
import { LotInput } from './lots';
import { DeviceBody, FacilityBody, OrganisationProfileBody } from './parties';

type Kind = 'lot' | 'event' | 'batch' | 'profile' | 'facility' | 'device';
type Case = BoundaryCase<Kind>;

const LOT = {
  lotId: 'LOT-YARN-1', product: 'Cotton yarn, 30s', htsCode: '5205.12.1000', originCountry: 'CN', quantity: 5000, unit: 'KGM',
  epcs: [], parentLotId: null,
};
const HANDOVER = { eventId: 'EVT-H-1', lotId: 'LOT-1', link: 7, kind: 'handover', eventTime: '2026-11-20T08:15:00+08:00', handoverTo: 'Org2MSP' };
const PACK = {
  eventId: 'EVT-A-1', lotId: 'PALLET-1', link: 5, kind: 'aggregation', eventTime: '2026-11-20T08:15:00+08:00',
  action: 'pack', parentLotId: 'PALLET-1', childLotIds: ['CARTON-1', 'CARTON-2'],
};
const DOC = { eventId: 'EVT-D-1', lotId: 'LOT-1', link: 3, kind: 'document', eventTime: '2026-11-20T08:15:00+08:00' };
const GLN = '6901234000016';

function w(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ ...base, ...over }).filter(([k, v]) => !(v === undefined && k in over)));
}
const input = (lotId: string, quantity: unknown = 10, unit: unknown = 'KGM'): Record<string, unknown> => ({ lotId, quantity, unit });
const lot = (name: string, ok: boolean, over: Record<string, unknown>): Case => ({ kind: 'lot', name, ok, input: w(LOT, over) });
const event = (name: string, ok: boolean, value: Record<string, unknown>): Case => ({ kind: 'event', name, ok, input: value });
const PROFILE = { legalName: 'Aksu Golden Field Cotton Cooperative', country: 'CN', address: 'Aksu, Xinjiang', roles: ['grower'] };
const FACILITY = { gln: GLN, name: 'Aksu gin no. 3', address: null, country: 'CN', subdivision: 'CN-XJ', lat: 41.17, lon: 80.26, type: 'mill' };
const DEVICE = { deviceId: 'truck-88-gps', link: 7, location: { lat: 22.5, lon: 114.1 } };
const profile = (name: string, ok: boolean, over: Record<string, unknown>): Case => ({ kind: 'profile', name, ok, input: w(PROFILE, over) });
const facility = (name: string, ok: boolean, over: Record<string, unknown>): Case => ({ kind: 'facility', name, ok, input: w(FACILITY, over) });
const device = (name: string, ok: boolean, over: Record<string, unknown>): Case => ({ kind: 'device', name, ok, input: w(DEVICE, over) });
const children = (n: number): string[] => Array.from({ length: n }, (_, i) => `CARTON-${String(i)}`);

const CORPUS: readonly Case[] = [
  // ---- inputs (transformation)
  lot('two inputs', true, { inputs: [input('LOT-BALE-1'), input('LOT-BALE-2', 2.5, 'BALE')] }),
  lot('inputs empty', true, { inputs: [] }),
  lot('inputs null', true, { inputs: null }),
  lot(`${String(MAX_INPUTS_PER_LOT)} inputs`, true, { inputs: Array.from({ length: MAX_INPUTS_PER_LOT }, (_, i) => input(`LOT-IN-${String(i)}`)) }),
  lot(`${String(MAX_INPUTS_PER_LOT + 1)} inputs`, false, { inputs: Array.from({ length: MAX_INPUTS_PER_LOT + 1 }, (_, i) => input(`LOT-IN-${String(i)}`)) }),
  lot('an input of itself', false, { inputs: [input('LOT-YARN-1')] }),
  lot('an input listed twice', false, { inputs: [input('LOT-BALE-1'), input('LOT-BALE-1', 5)] }),
  lot('an input quantity 0', false, { inputs: [input('LOT-BALE-1', 0)] }),
  lot('an input quantity negative', false, { inputs: [input('LOT-BALE-1', -1)] }),
  lot('an input quantity as a string', false, { inputs: [input('LOT-BALE-1', '10')] }),
  lot('an input without unit', false, { inputs: [{ lotId: 'LOT-BALE-1', quantity: 10 }] }),
  lot('an input unit with a space', false, { inputs: [input('LOT-BALE-1', 10, 'K G')] }),
  lot('an input lotId with a slash', false, { inputs: [input('LOT/1')] }),
  lot('an input a string', false, { inputs: ['LOT-BALE-1'] }),
  lot('inputs an object', false, { inputs: input('LOT-BALE-1') }),
  lot('inputs and a parent', true, { inputs: [input('LOT-BALE-1')], parentLotId: 'PALLET-1' }),

  // ---- handover
  event('a handover to another MSP', true, HANDOVER),
  event('a handover with a receiving GLN', true, w(HANDOVER, { handoverToGln: GLN })),
  event('a handover without handoverTo', true, w(HANDOVER, { handoverTo: undefined })),
  event('a handover with handoverTo null', true, w(HANDOVER, { handoverTo: null })),
  event('a handover GLN without handoverTo', false, w(HANDOVER, { handoverTo: undefined, handoverToGln: GLN })),
  event('a handover GLN with a wrong check digit', false, w(HANDOVER, { handoverToGln: '6901234000017' })),
  event('a handover GLN null', true, w(HANDOVER, { handoverToGln: null })),
  event('handoverTo with a colon', false, w(HANDOVER, { handoverTo: 'Org2:MSP' })),
  event('handoverTo of 128 characters', true, w(HANDOVER, { handoverTo: 'M'.repeat(128) })),
  event('handoverTo of 129 characters', false, w(HANDOVER, { handoverTo: 'M'.repeat(129) })),
  event('handoverTo on a document event', false, w(DOC, { handoverTo: 'Org2MSP' })),
  event('handoverTo null on a document event', true, w(DOC, { handoverTo: null })),
  event('handoverTo on a correction', false, w(HANDOVER, { eventId: 'EVT-H-2', correctionOf: 'EVT-H-1', reason: 'wrong receiver' })),
  event('a handover correction without handoverTo', true, w(HANDOVER, { eventId: 'EVT-H-2', handoverTo: undefined, correctionOf: 'EVT-H-1', reason: 'wrong time' })),

  // ---- aggregation
  event('a pack', true, PACK),
  event('an unpack', true, w(PACK, { action: 'unpack' })),
  event('action repack', false, w(PACK, { action: 'repack' })),
  event('no action', false, w(PACK, { action: undefined })),
  event('no parentLotId', false, w(PACK, { parentLotId: undefined })),
  event('parentLotId other than lotId', false, w(PACK, { parentLotId: 'PALLET-2' })),
  event('no childLotIds', false, w(PACK, { childLotIds: undefined })),
  event('childLotIds empty', false, w(PACK, { childLotIds: [] })),
  event(`${String(MAX_AGGREGATION_CHILDREN)} children`, true, w(PACK, { childLotIds: children(MAX_AGGREGATION_CHILDREN) })),
  event(`${String(MAX_AGGREGATION_CHILDREN + 1)} children`, false, w(PACK, { childLotIds: children(MAX_AGGREGATION_CHILDREN + 1) })),
  event('a child listed twice', false, w(PACK, { childLotIds: ['CARTON-1', 'CARTON-1'] })),
  event('the container among its children', false, w(PACK, { childLotIds: ['CARTON-1', 'PALLET-1'] })),
  event('a child id with a space', false, w(PACK, { childLotIds: ['CARTON 1'] })),
  event('childLotIds a string', false, w(PACK, { childLotIds: 'CARTON-1' })),
  event('action on a document event', false, w(DOC, { action: 'pack' })),
  event('childLotIds on a handover', false, w(HANDOVER, { childLotIds: ['CARTON-1'] })),
  event('parentLotId null on a document event', true, w(DOC, { parentLotId: null })),
  event('an aggregation correction', false, w(PACK, { eventId: 'EVT-A-2', correctionOf: 'EVT-A-1', reason: 'wrong carton' })),
  // ---- organisation profiles (PUT /v1/organisations/{mspId}; the MSP id is the path's)
  profile('a profile', true, {}),
  profile('no address', true, { address: undefined }),
  profile('address null', true, { address: null }),
  profile('address blank', false, { address: ' ' }),
  profile(`address of ${String(MAX_ADDRESS_LENGTH + 1)} characters`, false, { address: 'a'.repeat(MAX_ADDRESS_LENGTH + 1) }),
  profile(`legal name of ${String(MAX_NAME_LENGTH)} characters`, true, { legalName: 'a'.repeat(MAX_NAME_LENGTH) }),
  profile(`legal name of ${String(MAX_NAME_LENGTH + 1)} characters`, false, { legalName: 'a'.repeat(MAX_NAME_LENGTH + 1) }),
  profile('no legal name', false, { legalName: undefined }),
  profile('country in lower case', true, { country: 'cn' }),
  profile('country UK', false, { country: 'UK' }),
  profile('no roles', false, { roles: undefined }),
  profile('roles empty', true, { roles: [] }),
  profile('a role twice', true, { roles: ['grower', 'grower'] }),
  profile('an unknown role', false, { roles: ['farmer'] }),
  profile('an acetrace role', false, { roles: ['supplier'] }),

  // ---- facilities
  facility('a facility', true, {}),
  facility('a GLN with a wrong check digit', false, { gln: '6901234000017' }),
  facility('a GLN of 12 digits', false, { gln: '690123400001' }),
  facility('subdivision in lower case', true, { subdivision: 'cn-xj' }),
  facility('subdivision of another country', false, { subdivision: 'US-CA' }),
  facility('subdivision without hyphen', false, { subdivision: 'CNXJ' }),
  facility('subdivision null', true, { subdivision: null }),
  facility('no coordinates', true, { lat: undefined, lon: undefined }),
  facility('lat without lon', false, { lon: undefined }),
  facility('lat 91', false, { lat: 91 }),
  facility('type distribution-centre', true, { type: 'distribution-centre' }),
  facility('type office', false, { type: 'office' }),
  facility('no type', false, { type: undefined }),
  facility('name blank', false, { name: '  ' }),
  facility('no country', false, { country: undefined }),

  // ---- devices
  device('a device', true, {}),
  device('its own MSP id', true, { mspId: 'Org1MSP' }),
  device('an MSP id with a space', false, { mspId: 'Org 1' }),
  device('link 0', false, { link: 0 }),
  device('link 12', true, { link: 12 }),
  device('no link', true, { link: undefined }),
  device('no location', true, { location: undefined }),
  device('a device id with a slash', false, { deviceId: 'truck/88' }),
  device('no device id', false, { deviceId: undefined }),

  { kind: 'batch', name: 'a handover and a pack', ok: true, input: { events: [HANDOVER, PACK] } },
  { kind: 'batch', name: 'a pack with a bad child', ok: false, input: { events: [HANDOVER, w(PACK, { childLotIds: ['PALLET-1'] })] } },
];

/** The chaincode's validators of the party bodies (a profile is validated as Org1MSP's). */
const PARTY_VALIDATORS = {
  profile: (value: unknown) => validateOrganisationProfileInput({ ...(value as object), mspId: 'Org1MSP' }),
  facility: validateFacilityInput,
  device: validateDeviceInput,
};

function chaincodeVerdict(kind: Kind, value: unknown): boolean {
  if (kind === 'lot' || kind === 'event' || kind === 'batch') return bodyVerdict(kind, value);
  return chaincodeAccepts(() => PARTY_VALIDATORS[kind](value));
}

const SCHEMAS = { lot: LotInput, event: EventInput, batch: PostEventsBody, profile: OrganisationProfileBody, facility: FacilityBody, device: DeviceBody };
const gatewayVerdict = (kind: Kind, value: unknown): boolean => SCHEMAS[kind].safeParse(value).success;

describe('request schemas and chaincode validators agree on custody, containment, inputs, parties and facilities', () => {
  it('the corpus gets its intended verdict from the chaincode', () => {
    const wrong = CORPUS.filter((c) => chaincodeVerdict(c.kind, c.input) !== c.ok).map((c) => `${c.kind}: ${c.name}`);
    expect(wrong).to.deep.equal([]);
  });

  it('the gateway gives every entry the chaincode verdict', () => {
    const disagree = CORPUS.filter((c) => gatewayVerdict(c.kind, c.input) !== chaincodeVerdict(c.kind, c.input)).map(
      (c) => `${c.kind}: ${c.name} (chaincode ${chaincodeVerdict(c.kind, c.input) ? 'accepts' : 'refuses'})`,
    );
    expect(disagree, `${String(disagree.length)} of ${String(CORPUS.length)} entries`).to.deep.equal([]);
  });

  it('near-boundary handover and aggregation events (fast-check)', () => {
    const id = fc.oneof(fc.constantFrom('PALLET-1', 'CARTON-1', 'CARTON-2'), fc.constantFrom('', 'A B', 'x'.repeat(129)));
    const arb = fc
      .record(
        {
          kind: fc.constantFrom('handover', 'aggregation', 'document'),
          handoverTo: fc.constantFrom('Org2MSP', null, 'Org 2'),
          handoverToGln: fc.constantFrom(GLN, '6901234000017', null),
          action: fc.constantFrom('pack', 'unpack', 'stack', null),
          parentLotId: fc.oneof(id, fc.constant(null)),
          childLotIds: fc.oneof(fc.array(id, { maxLength: 3 }), fc.constant(null)),
          correction: fc.boolean(),
        },
        { requiredKeys: ['kind', 'correction'] },
      )
      .map(({ correction, ...fields }) => ({
        ...w(PACK, { action: undefined, parentLotId: undefined, childLotIds: undefined }),
        ...fields,
        ...(correction ? { eventId: 'EVT-A-9', correctionOf: 'EVT-A-1', reason: 'fix' } : {}),
      }));
    fc.assert(
      fc.property(arb, (value) => {
        const chaincode = chaincodeVerdict('event', value);
        if (gatewayVerdict('event', value) !== chaincode) expect.fail(`the gateway ${chaincode ? 'refuses' : 'accepts'} what the chaincode ${chaincode ? 'accepts' : 'refuses'}`);
      }),
      { numRuns: 400 },
    );
  });
});
