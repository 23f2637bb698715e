/**
 * The acetrace contract through the ledger harness: real signed proposals, real fabric-shim,
 * MVCC commit. Covers permissions, validation, idempotency, corrections, parent/child lots,
 * anomalies, listing, EPC lookup, read levels, history and chaincode events.
 */
// The rule itself is pinned to domain.md's table by chaincode/src/permissions.test.ts; here the deployed contract must enforce it.
import { rolesForLink } from '@acetrace/chaincode';
import { linkByNumber } from '@acetrace/chaincode/domain';
import type { SimulatedTx } from '@acetrace/network';
import { expect } from './chai.test';
import { eventInput, lotInput, rejects, ROLES, SHA, worldSuite, type Provenance, type RecordedEvent } from './helpers';

describe('chaincode contract (ledger harness)', function () {
  this.timeout(60_000);
  const { world, submit, evaluate, register, record, provenance } = worldSuite({ recordAs: 'supplier', provenanceMsp: 'Org3MSP' });

  describe('permissions: every role × link', () => {
    before(async () => {
      for (const role of ROLES) await register(`PERM-${role}`);
    });
    for (const role of ROLES) {
      for (let link = 1; link <= 12; link++) {
        const allowed = rolesForLink(link).includes(role);
        it(`${role} ${allowed ? 'may' : 'may not'} post link ${String(link)}`, async () => {
          const e = eventInput(`PERM-${role}`, link);
          const call = record([e], 'Org1MSP', role);
          if (allowed) {
            const [out] = await call;
            expect(out).to.include({ eventId: e.eventId, status: 'recorded' });
            expect(out?.event).to.include({ recordedBy: 'Org1MSP', recordedByRole: role, link });
          } else {
            const needed = rolesForLink(link);
            const list = needed.length === 2 ? needed.join(' or ') : `${needed.slice(0, -1).join(', ')} or ${String(needed[needed.length - 1])}`;
            await rejects(call, 'ACCESS_DENIED', new RegExp(`^ACCESS_DENIED: role ${role} of Org1MSP may not post link ${String(link)} \\(${linkByNumber(link).name}\\); needs ${list}$`));
          }
        });
      }
    }

    it('refuses logistics a document event', async () => {
      await rejects(record([eventInput('PERM-logistics', 7, { kind: 'document' })], 'Org1MSP', 'logistics'), 'ACCESS_DENIED', /may not post a document event on link 7/);
    });

    it('limits compliance to the roles the admin registered for its organisation', async () => {
      await rejects(submit('Org2MSP', 'supplier', 'RegisterOrganisation', { mspId: 'Org2MSP', roles: ['supplier'] }), 'ACCESS_DENIED', /needs admin/);
      const org = (await submit('Org2MSP', 'admin', 'RegisterOrganisation', { mspId: 'Org2MSP', roles: ['supplier', 'compliance'] })) as { roles: string[] };
      expect(org.roles).to.deep.equal(['compliance', 'supplier']);
      await register('PERM-ORG2', {}, 'Org2MSP', 'compliance');
      await record([eventInput('PERM-ORG2', 2)], 'Org2MSP', 'compliance');
      await rejects(record([eventInput('PERM-ORG2', 7)], 'Org2MSP', 'compliance'), 'ACCESS_DENIED',
        /^ACCESS_DENIED: role compliance of Org2MSP may not post link 7 \(inland-transport\); needs logistics among Org2MSP's roles \(supplier\)$/);
    });

    it('refuses a whole batch when one event is not allowed', async () => {
      const ok = eventInput('PERM-supplier', 1);
      await rejects(record([ok, eventInput('PERM-supplier', 9)]), 'ACCESS_DENIED', /link 9/);
      const [first] = await record([ok]);
      expect(first?.status).to.equal('recorded');
    });

    it('refuses an identity without a role attribute value it knows', async () => {
      const pilot = await world().h.identity({ mspId: 'Org1MSP', role: 'pilot' });
      await rejects(world().h.evaluate(pilot, 'ReadLot', 'PERM-viewer'), 'ACCESS_DENIED', /unknown role pilot/);
    });
  });

  describe('lot registration', () => {
    for (const role of ROLES) {
      const allowed = ['supplier', 'broker', 'compliance'].includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} register a lot`, async () => {
        const call = register(`REG-${role}`, {}, 'Org3MSP', role);
        if (allowed) {
          const out = await call;
          expect(out.created).to.equal(true);
          expect(out.lot).to.include({ lotId: `REG-${role}`, ownerMsp: 'Org3MSP', htsCode: '8536.50.9065' });
        } else {
          await rejects(call, 'ACCESS_DENIED', new RegExp(`^ACCESS_DENIED: role ${role} of Org3MSP may not register lots; needs supplier, broker or compliance$`));
        }
      });
    }

    it('normalises the lot and takes owner, time and tx id from the transaction', async () => {
      const out = await register('REG-NORM', { htsCode: '8536509065', originCountry: 'vn', epcs: ['3074257BF7194E4000001A85'], importerMsp: 'Org2MSP' });
      expect(out.lot).to.include({ htsCode: '8536.50.9065', originCountry: 'VN', ownerMsp: 'Org1MSP', importerMsp: 'Org2MSP', packedAt: null });
      expect(out.lot.epcs).to.deep.equal(['urn:epc:id:sgtin:0614141.812345.6789']);
      expect(out.lot.registeredAt).to.match(/^2026-01-01T\d\d:\d\d:\d\d\.000Z$/);
      expect(out.lot.txId).to.match(/^[0-9a-f]{64}$/);
      const view = (await evaluate('Org2MSP', 'viewer', 'ReadLot', 'REG-NORM')) as { lot: { txId: string }; linksCovered: number[]; completeness: { covered: number } };
      expect(view.lot.txId).to.equal(out.lot.txId);
      expect(view.linksCovered).to.deep.equal([]);
      expect(view.completeness.covered).to.equal(0);
    });

    it('answers an identical repeat with created:false and no write, different content with CONFLICT', async () => {
      const first = await register('REG-IDEM', { epcs: ['urn:epc:id:sgtin:0614141.812345.77'] });
      const before = world().h.events.length;
      const again = await register('REG-IDEM', { epcs: ['urn:epc:tag:sgtin-96:1.0614141.812345.77'] });
      expect(again.created).to.equal(false);
      expect(again.lot.txId).to.equal(first.lot.txId);
      expect(world().h.events.length).to.equal(before);
      await rejects(register('REG-IDEM', { quantity: 5 }), 'CONFLICT', /REG-IDEM is already registered by Org1MSP .* with different content/);
      await rejects(register('REG-IDEM', { epcs: ['urn:epc:id:sgtin:0614141.812345.77'] }, 'Org2MSP'), 'CONFLICT', /another owner/);
    });

    it('refuses an EPC that belongs to another lot, and an unknown parent', async () => {
      await register('REG-EPC-A', { epcs: ['urn:epc:id:sgtin:0614141.812345.88'] });
      await rejects(register('REG-EPC-B', { epcs: ['https://id.gs1.org/01/80614141123458/21/88'] }), 'CONFLICT', /epcs\[0\]: .* already belongs to lot REG-EPC-A/);
      await rejects(register('REG-ORPHAN', { parentLotId: 'NO-SUCH-LOT' }), 'NOT_FOUND', /parentLotId: lot NO-SUCH-LOT is not registered/);
    });
  });

  describe('validation through the contract', () => {
    before(async () => {
      await register('VAL-1');
    });
    const lotCases: Array<[string, Record<string, unknown>, string]> = [
      ['lotId pattern', { lotId: 'bad id' }, 'lotId'],
      ['product empty', { product: '' }, 'product'],
      ['HTS 9 digits', { htsCode: '853650906' }, 'htsCode'],
      ['origin not ISO 3166', { originCountry: 'XX' }, 'originCountry'],
      ['quantity 0', { quantity: 0 }, 'quantity'],
      ['unit', { unit: '' }, 'unit'],
      ['unreadable EPC', { epcs: ['not-an-epc'] }, 'epcs[0]'],
      ['importerMsp', { importerMsp: 'a b' }, 'importerMsp'],
      ['packedAt without offset', { parentLotId: 'VAL-1', packedAt: '2026-01-01T00:00:00' }, 'packedAt'],
    ];
    for (const [name, over, path] of lotCases) {
      it(`RegisterLot refuses ${name}`, async () => {
        await rejects(register('VAL-LOT', over), 'INVALID_ARGUMENT', new RegExp(`^INVALID_ARGUMENT: ${path.replace(/[[\]]/g, '\\$&')}: `));
      });
    }
    it('RegisterLot refuses non-JSON', async () => {
      await rejects(submit('Org1MSP', 'supplier', 'RegisterLot', '{oops'), 'INVALID_ARGUMENT', /^INVALID_ARGUMENT: lot: must be valid JSON$/);
    });

    const eventCases: Array<[string, Record<string, unknown>, string]> = [
      ['eventId pattern', { eventId: 'a/b' }, 'eventId'],
      ['eventId too long', { eventId: 'x'.repeat(129) }, 'eventId'],
      ['link 13', { link: 13 }, 'link'],
      ['kind', { kind: 'fax' }, 'kind'],
      ['eventTime without offset', { eventTime: '2026-02-01T08:00:00' }, 'eventTime'],
      ['lat range', { location: { lat: -91, lon: 0 } }, 'location.lat'],
      ['lon range', { location: { lat: 0, lon: 181 } }, 'location.lon'],
      ['accuracy < 0', { location: { lat: 0, lon: 0, accuracyM: -5 } }, 'location.accuracyM'],
      ['gps without lat/lon', { kind: 'gps', link: 7, location: null }, 'location'],
      ['rfid without EPCs', { kind: 'rfid', epcs: [] }, 'epcs'],
      ['evidence sha256', { evidence: [{ sha256: 'xyz', type: 'po' }] }, 'evidence[0].sha256'],
      ['evidence type', { evidence: [{ sha256: SHA, type: 'napkin' }] }, 'evidence[0].type'],
      ['correctionOf in RecordEvents', { correctionOf: 'E1' }, 'correctionOf'],
    ];
    for (const [name, over, path] of eventCases) {
      it(`RecordEvents refuses ${name} with its path`, async () => {
        const good = eventInput('VAL-1', 1, { kind: 'document' });
        const bad = eventInput('VAL-1', 1, { kind: 'document', ...over });
        const escaped = `events\\[1\\]\\.${path.replace(/[[\]]/g, '\\$&')}`;
        await rejects(record([good, bad], 'Org1MSP', 'compliance'), 'INVALID_ARGUMENT', new RegExp(`^INVALID_ARGUMENT: ${escaped}: `));
      });
    }
    it('RecordEvents needs 1-500 events and an existing lot', async () => {
      await rejects(record([]), 'INVALID_ARGUMENT', /^INVALID_ARGUMENT: events: must hold 1-500 events$/);
      await rejects(record(Array.from({ length: 501 }, () => eventInput('VAL-1', 1))), 'INVALID_ARGUMENT', /1-500/);
      await rejects(record([eventInput('NOPE', 1)]), 'NOT_FOUND', /^NOT_FOUND: events\[0\]\.lotId: lot NOPE is not registered$/);
    });
    it('reads refuse bad ids and unknown ones', async () => {
      await rejects(evaluate('Org1MSP', 'viewer', 'ReadLot', 'a b'), 'INVALID_ARGUMENT', /lotId/);
      await rejects(evaluate('Org1MSP', 'viewer', 'ReadLot', 'NOPE'), 'NOT_FOUND', /lot NOPE is not registered/);
      await rejects(evaluate('Org1MSP', 'auditor', 'GetEvent', 'NOPE'), 'NOT_FOUND', /event NOPE/);
      await rejects(evaluate('Org1MSP', 'auditor', 'ListLots', { pageSize: 0 }), 'INVALID_ARGUMENT', /pageSize/);
      await rejects(evaluate('Org1MSP', 'auditor', 'ListLots', { htsCode: '12' }), 'INVALID_ARGUMENT', /htsCode/);
      await rejects(evaluate('Org1MSP', 'auditor', 'Teleport'), 'INVALID_ARGUMENT', /unknown transaction/);
    });
  });

  describe('idempotency', () => {
    before(async () => {
      await register('IDEM-1');
    });
    it('answers a repeated event id with the first record and writes nothing', async () => {
      const e = eventInput('IDEM-1', 1, { kind: 'document' });
      const [first] = await record([e]);
      const count = world().h.events.length;
      const [again] = await record([{ ...e, eventTime: '2026-02-01T00:00:00Z' === e.eventTime ? e.eventTime : e.eventTime }]);
      expect(again?.status).to.equal('duplicate');
      expect(again?.event).to.deep.equal(first?.event);
      expect(world().h.events.length, 'no chaincode event for a no-op').to.equal(count);
    });
    it('treats another spelling of the same content as the same event', async () => {
      const e = eventInput('IDEM-1', 1, { kind: 'document', epcs: ['3074257BF7194E4000001A85'] });
      const [first] = await record([e]);
      const [again] = await record([{ ...e, epcs: ['urn:epc:id:sgtin:0614141.812345.6789'] }]);
      expect(again).to.include({ status: 'duplicate' });
      expect(again?.event.txId).to.equal(first?.event.txId);
    });
    it('refuses the same id with different content (CONFLICT)', async () => {
      const e = eventInput('IDEM-1', 2, { kind: 'document' });
      await record([e]);
      await rejects(record([{ ...e, eventTime: '2026-02-02T09:00:00+08:00' }]), 'CONFLICT', new RegExp(`events\\[0\\]\\.eventId: event ${String(e.eventId)} is already recorded \\(tx [0-9a-f]{64}\\) with different content`));
    });
    it('records a repeated id within one batch once', async () => {
      const e = eventInput('IDEM-1', 3, { kind: 'document' });
      const out = await record([e, e]);
      expect(out.map((r) => r.status)).to.deep.equal(['recorded', 'duplicate']);
      expect(out[1]?.event).to.deep.equal(out[0]?.event);
      const p = await provenance('IDEM-1');
      expect(p.links[2]?.events.filter((x) => x.eventId === e.eventId)).to.have.length(1);
      const last = world().h.events[world().h.events.length - 1];
      expect(JSON.parse(last?.payload.toString() ?? '{}')).to.include({ type: 'EventsRecorded' }).and.to.have.deep.property('eventIds', [e.eventId]);
      await rejects(record([eventInput('IDEM-1', 3, { eventId: 'SAME', kind: 'document' }), eventInput('IDEM-1', 4, { eventId: 'SAME', kind: 'document' })]), 'CONFLICT', /appears twice in this batch/);
    });
  });

  describe('corrections', () => {
    let original: RecordedEvent | undefined;
    before(async () => {
      await register('CORR-1');
      [original] = await record([eventInput('CORR-1', 3, { eventId: 'CORR-ORIG', kind: 'document', eventTime: '2026-02-03T00:00:00Z' })]);
    });
    const correction = (over: Record<string, unknown> = {}) => ({
      ...eventInput('CORR-1', 3, { eventId: 'CORR-FIX', kind: 'document', eventTime: '2026-02-03T02:00:00Z' }),
      correctionOf: 'CORR-ORIG', reason: 'wrong production batch', ...over,
    });

    it('refuses non-compliance roles and compliance of another organisation', async () => {
      for (const role of ROLES.filter((r) => r !== 'compliance')) {
        await rejects(submit('Org1MSP', role, 'RecordCorrection', correction()), 'ACCESS_DENIED', new RegExp(`role ${role} of Org1MSP may not record corrections; needs compliance`));
      }
      await rejects(submit('Org2MSP', 'compliance', 'RecordCorrection', correction()), 'ACCESS_DENIED',
        /^ACCESS_DENIED: role compliance of Org2MSP may not correct event CORR-ORIG recorded by Org1MSP; needs compliance of Org1MSP$/);
    });
    it('validates the correction', async () => {
      await rejects(submit('Org1MSP', 'compliance', 'RecordCorrection', correction({ reason: null })), 'INVALID_ARGUMENT', /reason: is required/);
      await rejects(submit('Org1MSP', 'compliance', 'RecordCorrection', correction({ correctionOf: 'NOPE' })), 'NOT_FOUND', /correctionOf: event NOPE/);
      await register('CORR-OTHER');
      await rejects(submit('Org1MSP', 'compliance', 'RecordCorrection', correction({ lotId: 'CORR-OTHER' })), 'INVALID_ARGUMENT', /lotId: must be CORR-1/);
    });
    it('records a correction by compliance of the same organisation; provenance shows both', async () => {
      const out = (await submit('Org1MSP', 'compliance', 'RecordCorrection', correction())) as RecordedEvent;
      expect(out).to.include({ eventId: 'CORR-FIX', status: 'recorded' });
      expect(out.event).to.include({ correctionOf: 'CORR-ORIG', reason: 'wrong production batch', recordedByRole: 'compliance' });
      const last = world().h.events[world().h.events.length - 1];
      expect(last?.eventName).to.equal('CorrectionRecorded');
      expect(JSON.parse(last?.payload.toString() ?? '{}')).to.include({ correctionOf: 'CORR-ORIG', recordedBy: 'Org1MSP' });
      const p = await provenance('CORR-1');
      const l3 = p.links[2]?.events ?? [];
      expect(l3.map((e) => [e.eventId, e.correctedBy, e.correctionOf])).to.deep.equal([
        ['CORR-ORIG', 'CORR-FIX', null], ['CORR-FIX', null, 'CORR-ORIG'],
      ]);
      expect(original?.event.txId).to.equal(l3[0]?.txId);
      const again = (await submit('Org1MSP', 'compliance', 'RecordCorrection', correction())) as RecordedEvent;
      expect(again.status).to.equal('duplicate');
    });
  });

  describe('parent and child lots', () => {
    it('includes ancestors’ events since packing, with viaLotId and the parent chain', async () => {
      // write scope: Org1 packs the pallet into a container it holds, Org2 posts as importer of record of both
      await register('CONT-1', { epcs: ['urn:epc:id:sscc:0614141.1234567890'], importerMsp: 'Org2MSP' }, 'Org1MSP', 'broker');
      await register('PAL-1', { parentLotId: 'CONT-1', packedAt: '2026-02-05T00:00:00Z', epcs: ['urn:epc:id:sscc:0614141.1234567891'], importerMsp: 'Org2MSP' });
      await register('CASE-1', { parentLotId: 'PAL-1', packedAt: '2026-02-04T00:00:00Z', epcs: ['urn:epc:id:sgtin:0614141.812345.1001'] });
      await record([eventInput('CASE-1', 3, { eventId: 'case-mfg', kind: 'document', eventTime: '2026-02-01T00:00:00Z' })]);
      await record([
        eventInput('PAL-1', 6, { eventId: 'pal-before', eventTime: '2026-02-03T00:00:00Z' }),
        eventInput('PAL-1', 6, { eventId: 'pal-after', eventTime: '2026-02-04T12:00:00Z' }),
      ], 'Org2MSP', 'logistics');
      await record([
        eventInput('CONT-1', 9, { eventId: 'cont-before', eventTime: '2026-02-04T23:00:00Z' }),
        eventInput('CONT-1', 9, { eventId: 'cont-after', eventTime: '2026-02-06T00:00:00Z', kind: 'rfid', epcs: ['urn:epc:id:sgtin:0614141.812345.1001'] }),
      ], 'Org2MSP', 'logistics');
      const p = await provenance('CASE-1');
      expect(p.lot.parentChain).to.deep.equal(['PAL-1', 'CONT-1']);
      const seen = p.links.flatMap((l) => l.events.map((e) => `${e.eventId}@${e.viaLotId ?? 'own'}`));
      expect(seen).to.deep.equal(['case-mfg@own', 'pal-after@PAL-1', 'cont-after@CONT-1']);
      expect(p.completeness.covered).to.equal(3);
      const view = (await evaluate('Org1MSP', 'viewer', 'ReadLot', 'CASE-1')) as { linksCovered: number[] };
      expect(view.linksCovered).to.deep.equal([3, 6, 9]);
      // the container's RFID read of the case's EPC is no foreign EPC: the case is family
      const container = await provenance('CONT-1');
      expect(container.anomalies.filter((a) => a.type === 'foreign-epc')).to.deep.equal([]);
      expect(container.lot.parentChain).to.deep.equal([]);
      expect(container.links.flatMap((l) => l.events).map((e) => e.eventId)).to.deep.equal(['cont-before', 'cont-after']);
    });
  });

  describe('anomalies', () => {
    it('flags every kind, never rejects', async () => {
      await register('ANOM-1', { epcs: ['urn:epc:id:sgtin:0614141.812345.5001'], importerMsp: 'Org2MSP' }); // Org2 posts as importer (write scope)
      await record([
        eventInput('ANOM-1', 1, { eventId: 'a-src', kind: 'document', eventTime: '2026-03-01T00:00:00Z' }),
        eventInput('ANOM-1', 5, { eventId: 'a-pack', kind: 'document', eventTime: '2026-03-10T00:00:00Z' }),
        eventInput('ANOM-1', 3, { eventId: 'a-mfg', kind: 'document', eventTime: '2026-03-05T00:00:00Z' }),
      ]);
      await record([
        eventInput('ANOM-1', 6, { eventId: 'a-early', kind: 'rfid', eventTime: '2026-03-08T00:00:00Z', epcs: ['https://id.gs1.org/01/00614141123452/21/999'] }),
        eventInput('ANOM-1', 7, { eventId: 'a-gps1', kind: 'gps', eventTime: '2026-03-11T00:00:00Z', location: { lat: 22.543, lon: 114.057, accuracyM: 10 } }),
        eventInput('ANOM-1', 7, { eventId: 'a-gps2', kind: 'gps', eventTime: '2026-03-11T00:30:00Z', location: { lat: 31.23, lon: 121.47, accuracyM: 10 } }),
        eventInput('ANOM-1', 12, { eventId: 'a-deliver', kind: 'handover', eventTime: '2026-03-20T00:00:00Z' }),
        eventInput('ANOM-1', 12, { eventId: 'a-late', kind: 'rfid', eventTime: '2026-03-21T00:00:00Z', epcs: ['urn:epc:id:sgtin:0614141.812345.5001'] }),
      ], 'Org2MSP', 'logistics');
      const p = await provenance('ANOM-1');
      const byType = (t: string) => p.anomalies.filter((a) => a.type === t).map((a) => a.eventIds);
      expect(byType('out-of-order')).to.deep.equal([['a-pack', 'a-early']]);
      expect(byType('impossible-travel')).to.deep.equal([['a-gps1', 'a-gps2']]);
      expect(byType('foreign-epc')).to.deep.equal([['a-early']]);
      expect(byType('after-delivery')).to.deep.equal([['a-deliver', 'a-late']]);
      expect(p.links.flatMap((l) => l.events)).to.have.length(8);
    });
  });

  describe('ListLots pagination and filters', () => {
    const mine = ['LIST-A', 'LIST-B', 'LIST-C', 'LIST-D', 'LIST-E'];
    before(async () => {
      await register('LIST-A', { htsCode: '9999.11.0001', originCountry: 'MX' }, 'Org3MSP', 'supplier');
      await register('LIST-B', { htsCode: '9999.11.0001', originCountry: 'MX' }, 'Org3MSP', 'supplier');
      await register('LIST-C', { htsCode: '9999.11.0001', originCountry: 'BR' }, 'Org3MSP', 'broker');
      await register('LIST-D', { htsCode: '9999.11.0002', originCountry: 'MX' }, 'Org3MSP', 'supplier');
      await register('LIST-E', { htsCode: '9999.11.0001', originCountry: 'MX' }, 'Org2MSP', 'supplier');
      await record([eventInput('LIST-A', 11, { kind: 'document' })], 'Org3MSP', 'broker');
      await record([eventInput('LIST-C', 11, { kind: 'document' })], 'Org3MSP', 'broker');
      await record([eventInput('LIST-E', 11, { kind: 'document' })], 'Org2MSP', 'broker');
    });
    const pageAll = async (filter: Record<string, unknown>, pageSize: number): Promise<{ ids: string[]; pages: number }> => {
      const ids: string[] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page = (await evaluate('Org1MSP', 'viewer', 'ListLots', { ...filter, pageSize, bookmark })) as { lots: Array<{ lot: { lotId: string } }>; bookmark: string };
        expect(page.lots.length).to.be.at.most(pageSize);
        ids.push(...page.lots.map((l) => l.lot.lotId));
        bookmark = page.bookmark;
        pages += 1;
        expect(pages).to.be.below(50);
      } while (bookmark !== '');
      return { ids, pages };
    };
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['ownerMsp', { ownerMsp: 'Org3MSP' }, ['LIST-A', 'LIST-B', 'LIST-C', 'LIST-D']],
      ['htsCode (unnormalised)', { htsCode: '9999110001' }, ['LIST-A', 'LIST-B', 'LIST-C', 'LIST-E']],
      ['originCountry', { originCountry: 'mx' }, ['LIST-A', 'LIST-B', 'LIST-D', 'LIST-E']],
      ['link', { link: 11 }, ['LIST-A', 'LIST-C', 'LIST-E']],
      ['ownerMsp + htsCode + originCountry', { ownerMsp: 'Org3MSP', htsCode: '9999.11.0001', originCountry: 'MX' }, ['LIST-A', 'LIST-B']],
      ['ownerMsp + link', { ownerMsp: 'Org3MSP', link: 11 }, ['LIST-A', 'LIST-C']],
    ];
    for (const [name, filter, expected] of cases) {
      it(`pages through ${name}`, async () => {
        const { ids, pages } = await pageAll(filter, 2);
        expect(ids.filter((id) => mine.includes(id))).to.deep.equal(expected);
        expect(new Set(ids).size).to.equal(ids.length);
        expect(pages).to.be.at.least(Math.ceil(expected.length / 2));
      });
    }
    it('lists every lot without a filter, across pages, each once', async () => {
      const { ids } = await pageAll({}, 3);
      expect(new Set(ids).size).to.equal(ids.length);
      for (const id of mine) expect(ids).to.include(id);
    });
    it('returns lot views with coverage', async () => {
      const page = (await evaluate('Org1MSP', 'viewer', 'ListLots', { link: 11, ownerMsp: 'Org2MSP' })) as { lots: Array<{ lot: { lotId: string }; linksCovered: number[]; completeness: { covered: number } }> };
      const e = page.lots.find((l) => l.lot.lotId === 'LIST-E');
      expect(e?.linksCovered).to.deep.equal([11]);
      expect(e?.completeness.covered).to.equal(1);
    });
    it('refuses a bookmark of another filter', async () => {
      const page = (await evaluate('Org1MSP', 'viewer', 'ListLots', { ownerMsp: 'Org3MSP', pageSize: 1 })) as { bookmark: string };
      expect(page.bookmark).to.not.equal('');
      await rejects(evaluate('Org1MSP', 'viewer', 'ListLots', { originCountry: 'MX', bookmark: page.bookmark }), 'INVALID_ARGUMENT', /bookmark: belongs to a different filter/);
      await rejects(evaluate('Org1MSP', 'viewer', 'ListLots', { bookmark: '%%%' }), 'INVALID_ARGUMENT', /bookmark/);
    });
  });

  describe('GetProvenanceByEpc', () => {
    before(async () => {
      await register('EPC-1', { epcs: ['urn:epc:tag:sgtin-96:3.0614141.812345.424242', 'urn:epc:id:sscc:0614141.1234567899'] });
    });
    const spellings = [
      'urn:epc:id:sgtin:0614141.812345.424242',
      'urn:epc:tag:sgtin-96:1.0614141.812345.424242',
      'https://id.gs1.org/01/80614141123458/21/424242',
      'https://id.gs1.org/00/106141412345678991',
    ];
    for (const epc of spellings) {
      it(`finds the lot by ${epc.slice(0, 40)}`, async () => {
        const byEpc = (await evaluate('Org3MSP', 'auditor', 'GetProvenanceByEpc', epc)) as Provenance;
        expect(byEpc.lot.lotId).to.equal('EPC-1');
      });
    }
    it('finds the lot by SGTIN-96 hex', async () => {
      const hex = '3074257BF7194E4000067932'; // urn:epc:tag:sgtin-96:3.0614141.812345.424242
      const byEpc = (await evaluate('Org3MSP', 'auditor', 'GetProvenanceByEpc', hex)) as Provenance;
      expect(byEpc.lot.lotId).to.equal('EPC-1');
    });
    it('answers NOT_FOUND for an unknown EPC and INVALID_ARGUMENT for garbage', async () => {
      await rejects(evaluate('Org3MSP', 'auditor', 'GetProvenanceByEpc', 'urn:epc:id:sgtin:0614141.812345.1'), 'NOT_FOUND', /belongs to no registered lot/);
      await rejects(evaluate('Org3MSP', 'auditor', 'GetProvenanceByEpc', 'hello'), 'INVALID_ARGUMENT', /^INVALID_ARGUMENT: epc: /);
    });
  });

  describe('GetLotByEpc', () => {
    before(async () => {
      await register('EPCLOT-1', { epcs: ['urn:epc:id:sgtin:0614141.812345.515151', 'urn:epc:id:sscc:0614141.1234567882'] });
      await record([eventInput('EPCLOT-1', 2, { kind: 'document' })]);
    });
    const spellings = [
      'urn:epc:id:sgtin:0614141.812345.515151',
      'urn:epc:tag:sgtin-96:1.0614141.812345.515151',
      'https://id.gs1.org/01/80614141123458/21/515151',
      'urn:epc:id:sscc:0614141.1234567882',
    ];
    for (const epc of spellings) {
      it(`answers the lot view of ${epc.slice(0, 44)}, as ReadLot does`, async () => {
        const byEpc = await evaluate('Org2MSP', 'viewer', 'GetLotByEpc', epc);
        expect(byEpc).to.deep.equal(await evaluate('Org2MSP', 'viewer', 'ReadLot', 'EPCLOT-1'));
        expect(byEpc).to.nested.include({ 'lot.lotId': 'EPCLOT-1', 'completeness.covered': 1 });
        expect((byEpc as { linksCovered: number[] }).linksCovered).to.deep.equal([2]);
      });
    }
    for (const role of ROLES) {
      it(`lets ${role} read it (viewer and up, like ReadLot)`, async () => {
        const view = (await evaluate('Org3MSP', role, 'GetLotByEpc', '3034257BF7194E400007DC4F')) as { lot: { lotId: string } };
        expect(view.lot.lotId).to.equal('EPCLOT-1');
      });
    }
    it('answers NOT_FOUND for an EPC of no lot and INVALID_ARGUMENT for garbage, writing nothing', async () => {
      const before = world().h.events.length;
      await rejects(evaluate('Org1MSP', 'viewer', 'GetLotByEpc', 'urn:epc:id:sgtin:0614141.812345.2'), 'NOT_FOUND', /urn:epc:id:sgtin:0614141\.812345\.2 belongs to no registered lot/);
      await rejects(evaluate('Org1MSP', 'viewer', 'GetLotByEpc', 'hello'), 'INVALID_ARGUMENT', /^INVALID_ARGUMENT: epc: /);
      expect(world().h.events.length).to.equal(before);
    });
  });

  describe('read levels', () => {
    before(async () => {
      await register('READ-1', { importerMsp: 'Org2MSP' }, 'Org1MSP', 'supplier');
      await record([eventInput('READ-1', 1, { eventId: 'read-e1', kind: 'document' })]);
      await record([eventInput('READ-1', 11, { eventId: 'read-e11', kind: 'document' })], 'Org2MSP', 'broker');
    });
    it('gives a viewer the summary: coverage and completeness, no events', async () => {
      const p = await provenance('READ-1', 'Org1MSP', 'viewer');
      expect(p.detail).to.equal('summary');
      expect(p.links.flatMap((l) => l.events)).to.deep.equal([]);
      expect(p.links.filter((l) => l.covered).map((l) => l.link)).to.deep.equal([1, 11]);
      expect(p.completeness).to.include({ covered: 2, required: 12 });
      expect(p.anomalies).to.deep.equal([]);
    });
    it('gives an auditor of any organisation everything', async () => {
      const p = await provenance('READ-1', 'Org3MSP', 'auditor');
      expect(p.detail).to.equal('full');
      expect(p.links.flatMap((l) => l.events.map((e) => e.eventId))).to.deep.equal(['read-e1', 'read-e11']);
      expect(p.links[10]?.organisations).to.deep.equal(['Org2MSP']);
    });
    it('gives a broker full provenance of lots its organisation owns or imports only', async () => {
      expect((await provenance('READ-1', 'Org2MSP', 'broker')).detail).to.equal('full'); // importer
      expect((await provenance('READ-1', 'Org1MSP', 'broker')).detail).to.equal('full'); // owner
      const other = await provenance('READ-1', 'Org3MSP', 'broker');
      expect(other.detail).to.equal('summary');
      expect(other.links.flatMap((l) => l.events)).to.deep.equal([]);
    });
    it('gives compliance its own organisation’s lots', async () => {
      expect((await provenance('READ-1', 'Org1MSP', 'compliance')).detail).to.equal('full');
      expect((await provenance('READ-1', 'Org3MSP', 'compliance')).detail).to.equal('summary');
    });
    it('shows an event to its poster organisation and auditors', async () => {
      expect(await evaluate('Org1MSP', 'supplier', 'GetEvent', 'read-e1')).to.include({ eventId: 'read-e1', recordedBy: 'Org1MSP' });
      expect(await evaluate('Org3MSP', 'auditor', 'GetEvent', 'read-e11')).to.include({ eventId: 'read-e11' });
      await rejects(evaluate('Org3MSP', 'supplier', 'GetEvent', 'read-e1'), 'ACCESS_DENIED', /role supplier of Org3MSP may not read event read-e1/);
      await rejects(evaluate('Org1MSP', 'viewer', 'GetEvent', 'read-e1'), 'ACCESS_DENIED');
    });
    it('gives lot history to auditors (newest first) and refuses others', async () => {
      const history = (await evaluate('Org3MSP', 'auditor', 'GetLotHistory', 'READ-1')) as Array<{ txId: string; timestamp: string; isDelete: boolean; value: { lotId: string; txId: string } }>;
      expect(history).to.have.length(1);
      expect(history[0]?.value.lotId).to.equal('READ-1');
      expect(history[0]?.txId).to.equal(history[0]?.value.txId);
      expect(history[0]?.isDelete).to.equal(false);
      expect(history[0]?.timestamp).to.match(/^2026-01-01T/);
      await rejects(evaluate('Org1MSP', 'supplier', 'GetLotHistory', 'READ-1'), 'ACCESS_DENIED', /may not read the history of lot READ-1/);
    });
  });

  describe('devices', () => {
    it('lets admins register devices and binds them to their organisation', async () => {
      await rejects(submit('Org1MSP', 'logistics', 'RegisterDevice', { deviceId: 'gate-7' }), 'ACCESS_DENIED', /may not register devices; needs admin/);
      const device = (await submit('Org1MSP', 'admin', 'RegisterDevice', { deviceId: 'gate-7', link: 9 })) as Record<string, unknown>;
      expect(device).to.include({ deviceId: 'gate-7', mspId: 'Org1MSP', link: 9, registeredBy: 'Org1MSP' });
      await register('DEV-1');
      await record([eventInput('DEV-1', 9, { deviceId: 'gate-7' })], 'Org1MSP', 'logistics');
      await rejects(record([eventInput('DEV-1', 9, { deviceId: 'gate-7' })], 'Org2MSP', 'logistics'), 'ACCESS_DENIED', /device gate-7 is registered to Org1MSP/);
    });
    it('gives admins no way to alter events', async () => {
      await rejects(submit('Org1MSP', 'admin', 'RecordCorrection', { ...eventInput('DEV-1', 9), correctionOf: 'x', reason: 'y' }), 'ACCESS_DENIED');
      await rejects(record([eventInput('DEV-1', 9)], 'Org1MSP', 'admin'), 'ACCESS_DENIED');
    });
  });

  describe('chaincode events', () => {
    it('emits exactly one event per writing transaction, named by constant, never for no-ops', async () => {
      const tx1 = await world().h.simulate(await world().id('Org1MSP', 'supplier'), 'RegisterLot', JSON.stringify(lotInput('EVT-1')));
      expect(tx1.event?.eventName).to.equal('LotRegistered');
      expect(await world().h.commit([tx1])).to.deep.equal(['VALID']);
      const e = eventInput('EVT-1', 2, { kind: 'document' });
      const tx2 = await world().h.simulate(await world().id('Org1MSP', 'supplier'), 'RecordEvents', JSON.stringify([e, eventInput('EVT-1', 3, { kind: 'document' })]));
      await world().h.commit([tx2]);
      const payload = JSON.parse(tx2.event?.payload.toString() ?? '{}') as Record<string, unknown>;
      expect(payload).to.deep.include({ type: 'EventsRecorded', lotIds: ['EVT-1'], recordedBy: 'Org1MSP', txId: tx2.txId });
      expect(payload.eventIds).to.have.length(2);
      const noop: SimulatedTx = await world().h.simulate(await world().id('Org1MSP', 'supplier'), 'RecordEvents', JSON.stringify([e]));
      expect(noop.event).to.equal(undefined);
      const read = await world().h.simulate(await world().id('Org3MSP', 'auditor'), 'GetProvenance', 'EVT-1');
      expect(read.event).to.equal(undefined);
      for (const tx of [tx1, tx2]) expect(world().h.events.filter((x) => x.txId === tx.txId)).to.have.length(1);
    });
  });
});
