/**
 * Proof bundles through real HTTP → gateway → fabric-gateway gRPC → the embedded network: a lot's
 * and an event's bundle verify with @acetrace/verify and with its command; one changed byte of each
 * guarded part fails the check that guards it; a caller who may not read the events is refused
 * as its provenance / event read refuses it; block numbers in answers are the ledger's.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { type ProofBundle, type Report, verifyBundle } from '@acetrace/verify';
import { blockBytes, changeByte, clone, endorsedAction, envelopeOf, envelopePayload, failedChecks, setBlockBytes, tamperBlock } from '@acetrace/verify/dist/testing/tamper';
import { expect } from '../scenarios/chai.test';
import { lotInput } from '../scenarios/helpers';
import { type Stack, postEvents, startTarget } from '../scenarios/target';

const CLI = path.resolve(__dirname, '..', '..', '..', 'verifier', 'bin', 'acetrace-verify.js');
interface Problem { code: string; detail: string; errors?: unknown }
const problemOf = (res: { body: unknown }): Problem => res.body as Problem;
function runCli(bundle: unknown): { status: number | null; stdout: string; stderr: string } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-proof-')), 'bundle.json');
  fs.writeFileSync(file, JSON.stringify(bundle));
  const out = spawnSync(process.execPath, [CLI, file, '--json'], { encoding: 'utf8' });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('proof bundles (acetrace-proof/1) from the embedded network', function () {
  this.timeout(120_000);
  let s: Stack;
  let lotBundle: ProofBundle;
  const LOT = 'LOT-PROOF-1';

  before(async () => {
    s = await startTarget({ target: 'embedded' });
    const reg = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(LOT));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    const first = await postEvents(s, s.key('supplier'), {
      events: [1, 2, 3].map((link) => ({ eventId: `PE-${String(link)}`, lotId: LOT, link, kind: 'document', eventTime: `2026-10-0${String(link)}T08:00:00Z` })),
    });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    // a later transaction, so the bundle spans several blocks
    const second = await postEvents(s, s.key('supplier'), { eventId: 'PE-4', lotId: LOT, link: 4, kind: 'document', eventTime: '2026-10-04T08:00:00Z' });
    expect(second.status, JSON.stringify(second.body)).to.equal(201);
    const res = await s.http().get(`/v1/lots/${LOT}/proof`).set('X-API-Key', s.key('auditor'));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    lotBundle = res.body as ProofBundle;
  });

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- s is unassigned when before() failed
  after(() => s?.stop());

  it("a lot's bundle holds every event with the ledger's own bytes and verifies with verifyBundle", () => {
    expect(lotBundle.format).to.equal('acetrace-proof/1');
    expect(lotBundle.subject).to.deep.equal({ lotId: LOT });
    expect(lotBundle.chaincode).to.equal('acetrace');
    expect(lotBundle.events.map((e) => e.eventId).sort()).to.deep.equal(['PE-1', 'PE-2', 'PE-3', 'PE-4']);
    const blocks = new Set(lotBundle.events.map((e) => e.blockNumber));
    expect(blocks.size, 'events in two transactions, two blocks').to.equal(2);
    const types = lotBundle.trustAnchors.organisations.map((o) => o.type);
    expect(types).to.include('orderer');
    expect(types.filter((t) => t === 'application').length).to.be.at.least(2);
    expect(lotBundle.trustAnchors.endorsementPolicy.source).to.equal('/Channel/Application/Endorsement');
    const report = verifyBundle(lotBundle);
    expect(report.failures, JSON.stringify(report.failures)).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    expect(report.events).to.have.length(4);
  });

  it('the same bundle passes `acetrace-verify --json` (exit 0)', () => {
    const out = runCli(lotBundle);
    expect(out.status, out.stderr).to.equal(0);
    expect((JSON.parse(out.stdout) as Report).ok).to.equal(true);
  });

  it("an event's bundle verifies, by library and command, and ?verify=true answers the verifier's report", async () => {
    const res = await s.http().get('/v1/events/PE-4/proof').set('X-API-Key', s.key('auditor'));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const bundle = res.body as ProofBundle;
    expect(bundle.subject).to.deep.equal({ eventId: 'PE-4' });
    expect(bundle.events.map((e) => e.eventId)).to.deep.equal(['PE-4']);
    expect(bundle.headers).to.have.length(1);
    expect(verifyBundle(bundle).ok).to.equal(true);
    expect(runCli(bundle).status).to.equal(0);
    const verified = await s.http().get(`/v1/lots/${LOT}/proof?verify=true`).set('X-API-Key', s.key('auditor'));
    expect(verified.status).to.equal(200);
    const report = verified.body as Report;
    expect(report.ok).to.equal(true);
    expect(report.events.map((e) => e.eventId).sort()).to.deep.equal(['PE-1', 'PE-2', 'PE-3', 'PE-4']);
    expect(report.events.every((e) => e.checks.length === 7 && e.ok)).to.equal(true);
  });

  it("block numbers in provenance and GET /v1/events are the ledger's, equal to the bundle's", async () => {
    const prov = await s.http().get(`/v1/lots/${LOT}/provenance`).set('X-API-Key', s.key('auditor'));
    expect(prov.status).to.equal(200);
    const shown = new Map<string, number>();
    for (const link of (prov.body as { links: unknown }).links as Array<{ events: Array<{ eventId: string; blockNumber?: number }> }>) {
      for (const e of link.events) shown.set(e.eventId, e.blockNumber as number);
    }
    for (const e of lotBundle.events) {
      expect(shown.get(e.eventId), e.eventId).to.equal(Number(e.blockNumber));
      // the auditor did not post it: the ledger path of GET /v1/events
      const one = await s.http().get(`/v1/events/${e.eventId}`).set('X-API-Key', s.key('auditor'));
      expect(one.status).to.equal(200);
      expect((one.body as { blockNumber?: number }).blockNumber, e.eventId).to.equal(Number(e.blockNumber));
    }
  });

  describe('one changed byte fails the check that guards it', () => {
    const expectFails = (bundle: ProofBundle, check: string): Report => {
      const report = verifyBundle(bundle);
      expect(report.ok).to.equal(false);
      expect([...failedChecks(report)], JSON.stringify(report.failures)).to.include(check);
      const cli = runCli(bundle);
      expect(cli.status).to.equal(1);
      // the command names the first failure (a changed envelope byte also breaks its block's data hash)
      expect(cli.stderr).to.contain(`FAILED ${report.failures[0]?.check ?? check}`);
      return report;
    };

    it('an event value byte: write-set', () => {
      const bundle = clone(lotBundle);
      const ev = bundle.events[0] as ProofBundle['events'][number];
      const value = Buffer.from(ev.value, 'base64');
      changeByte(value, value.indexOf('document'));
      ev.value = value.toString('base64');
      const report = expectFails(bundle, 'write-set');
      expect([...failedChecks(report)]).to.deep.equal(['write-set']);
    });

    it('an envelope byte: envelope-in-block', () => {
      const bundle = clone(lotBundle);
      const envelope = envelopeOf(bundle, 0);
      tamperBlock(bundle, (bundle.events[0] as ProofBundle['events'][number]).blockNumber, envelope, envelope.length - 1);
      expectFails(bundle, 'envelope-in-block');
    });

    it('a header byte: header-chain', () => {
      const bundle = clone(lotBundle);
      const h = bundle.headers[0] as ProofBundle['headers'][number];
      h.dataHash = (h.dataHash.startsWith('a') ? 'b' : 'a') + h.dataHash.slice(1);
      const report = expectFails(bundle, 'header-chain');
      expect([...failedChecks(report)]).to.deep.equal(['header-chain']);
    });

    it("a byte of the head block's orderer signature: orderer-signature", () => {
      const bundle = clone(lotBundle);
      const slot = common.Block.deserializeBinary(blockBytes(bundle, bundle.head.number)).getMetadata()?.getMetadataList_asU8()[0] as Uint8Array;
      const signature = common.Metadata.deserializeBinary(slot).getSignaturesList()[0]?.getSignature_asU8() as Uint8Array;
      tamperBlock(bundle, bundle.head.number, signature, signature.length - 1);
      const report = expectFails(bundle, 'orderer-signature');
      expect([...failedChecks(report)]).to.deep.equal(['orderer-signature']);
    });

    it('a byte of an endorsement signature: endorsements', () => {
      const bundle = clone(lotBundle);
      const endorsements = endorsedAction(envelopeOf(bundle, 0)).getEndorsementsList();
      expect(endorsements.length, 'endorsing organisations').to.be.at.least(2);
      const signature = (endorsements[0] as peer.Endorsement).getSignature_asU8();
      tamperBlock(bundle, (bundle.events[0] as ProofBundle['events'][number]).blockNumber, signature, signature.length - 1);
      expectFails(bundle, 'endorsements');
    });

    it('a byte of the endorsement policy: endorsements', () => {
      const bundle = clone(lotBundle);
      const orgs = bundle.trustAnchors.endorsementPolicy.organisations;
      orgs[0] = `${(orgs[0] as string).slice(0, -1)}Q`;
      const report = expectFails(bundle, 'endorsements');
      expect([...failedChecks(report)]).to.deep.equal(['endorsements']);
    });

    it('a validation code byte: validation-code', () => {
      const bundle = clone(lotBundle);
      const ev = bundle.events[0] as ProofBundle['events'][number];
      const original = blockBytes(bundle, ev.blockNumber);
      const block = common.Block.deserializeBinary(original);
      const list = block.getMetadata()?.getMetadataList_asU8() ?? [];
      const filter = Uint8Array.from(list[2] as Uint8Array);
      filter[ev.txIndex] = peer.TxValidationCode.MVCC_READ_CONFLICT;
      list[2] = filter;
      block.getMetadata()?.setMetadataList(list);
      const changed = Buffer.from(block.serializeBinary());
      expect(changed.filter((b, i) => b !== original[i]).length, 'bytes changed').to.equal(1);
      setBlockBytes(bundle, ev.blockNumber, changed);
      const report = expectFails(bundle, 'validation-code');
      expect([...failedChecks(report)]).to.deep.equal(['validation-code']);
    });

    it('a byte of the creator certificate: creator', () => {
      const bundle = clone(lotBundle);
      const payload = envelopePayload(envelopeOf(bundle, 0));
      const signatureHeader = common.SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(0));
      const pem = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8()).getIdBytes_asU8();
      tamperBlock(bundle, (bundle.events[0] as ProofBundle['events'][number]).blockNumber, pem, pem.length - 60);
      expectFails(bundle, 'creator');
    });
  });

  describe('read rules are the chaincode’s', () => {
    it('an event the caller may not read: 403 for its proof, as for the event itself', async () => {
      const other = s.orgs.logistics;
      const read = await s.http().get('/v1/events/PE-1').set('X-API-Key', s.key('logistics', other));
      const proof = await s.http().get('/v1/events/PE-1/proof').set('X-API-Key', s.key('logistics', other));
      expect(read.status).to.equal(403);
      expect(proof.status).to.equal(403);
      expect(problemOf(proof).code).to.equal(problemOf(read).code);
      expect(problemOf(proof).detail).to.equal(problemOf(read).detail);
      expect(proof.headers['content-type']).to.match(/application\/problem\+json/);
    });

    it('a lot whose provenance the caller sees only in summary: 403; an unknown lot: 404 as its provenance', async () => {
      const summary = await s.http().get(`/v1/lots/${LOT}/provenance`).set('X-API-Key', s.key('viewer'));
      expect(summary.status).to.equal(200);
      expect((summary.body as { detail: string }).detail).to.equal('summary');
      const proof = await s.http().get(`/v1/lots/${LOT}/proof`).set('X-API-Key', s.key('viewer'));
      expect(proof.status).to.equal(403);
      expect(problemOf(proof).code).to.equal('ACCESS_DENIED');
      const unknownProv = await s.http().get('/v1/lots/LOT-NOPE/provenance').set('X-API-Key', s.key('auditor'));
      const unknownProof = await s.http().get('/v1/lots/LOT-NOPE/proof').set('X-API-Key', s.key('auditor'));
      expect(unknownProv.status).to.equal(404);
      expect(unknownProof.status).to.equal(404);
      expect(problemOf(unknownProof).detail).to.equal(problemOf(unknownProv).detail);
    });

    it('an unknown query option: 400 naming it', async () => {
      const res = await s.http().get(`/v1/lots/${LOT}/proof?verify=yes`).set('X-API-Key', s.key('auditor'));
      expect(res.status).to.equal(400);
      expect(JSON.stringify(problemOf(res).errors)).to.contain('verify');
    });
  });
});
