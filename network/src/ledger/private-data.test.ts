import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from '../testing/chai.test';
import { fixtureContracts } from '../testing/fixture-contract';
import { HarnessEndorseError, LedgerHarness, type HarnessIdentity } from '../testing/ledger-harness';
import { Ledger } from './ledger';
import { implicitCollectionName, PrivateDataCipher, sha256 } from './private-data';
import { fromTxPvtReadWriteSet, fromTxReadWriteSet } from './rwset';

const ORG1 = implicitCollectionName('Org1MSP');

/** The error `promise` rejects with; a fulfilled promise fails the test. */
function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => Promise.reject(new Error('expected a rejection')),
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
}

/** The value, or a test failure when it is missing. */
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('private data of implicit org collections (ledger harness, fixture contract)', () => {
  let h: LedgerHarness;
  let alice: HarnessIdentity;
  let bob: HarnessIdentity;
  const transient = (value: string): { transient: Record<string, string> } => ({ transient: { value } });

  beforeEach(async () => {
    h = await LedgerHarness.create({ contracts: fixtureContracts });
    alice = await h.identity({ mspId: 'Org1MSP', role: 'supplier' });
    bob = await h.identity({ mspId: 'Org2MSP', role: 'supplier' });
  });

  afterEach(() => h.close());

  it('puts the transient value in the private write set and only SHA-256 hashes in the public rwset', async () => {
    const marker = 'MARKER-pvt-1';
    const tx = await h.simulateWith(alice, 'pvtPut', [ORG1, 'consignee'], transient(marker));
    expect(tx.status).to.equal(200);
    const publicBytes = Buffer.from(tx.rwset.serializeBinary());
    expect(publicBytes.includes(marker)).to.equal(false);
    expect(publicBytes.includes('consignee')).to.equal(false); // keys are hashed too
    const ns = must(fromTxReadWriteSet(tx.rwset)[0]);
    expect(ns.writes).to.deep.equal([]);
    const coll = must(ns.collections?.[0]);
    expect(coll.collection).to.equal(ORG1);
    const write = must(coll.hashedWrites[0]);
    expect(Buffer.from(write.keyHash).equals(sha256('consignee'))).to.equal(true);
    expect(Buffer.from(write.valueHash).equals(sha256(marker))).to.equal(true);
    expect(write.isPurge).to.equal(false);
    const pvtColl = must(fromTxPvtReadWriteSet(must(tx.privateData))[0]?.collections[0]);
    expect(Buffer.from(must(pvtColl.writes[0]).value).toString()).to.equal(marker);
    expect(sha256(pvtColl.rwsetBytes).equals(Buffer.from(coll.pvtRwSetHash))).to.equal(true);
  });

  it('gives every organisation the same hashed rwset (their endorsements match)', async () => {
    const byOrg1 = await h.simulateWith(alice, 'pvtPut', [ORG1, 'k'], { ...transient('v'), peer: 'Org1MSP' });
    const byOrg2 = await h.simulateWith(alice, 'pvtPut', [ORG1, 'k'], { ...transient('v'), peer: 'Org2MSP' });
    expect(Buffer.from(byOrg1.rwset.serializeBinary()).equals(Buffer.from(byOrg2.rwset.serializeBinary()))).to.equal(true);
  });

  it('serves the cleartext only on the member organisation\'s peer; elsewhere Fabric\'s hash-version error', async () => {
    await h.submitWith(alice, 'pvtPut', [ORG1, 'k'], transient('secret'));
    expect(await h.evaluateWith(alice, 'pvtGet', [ORG1, 'k'], { peer: 'Org1MSP' })).to.equal('secret');
    const err = await rejection(h.evaluateWith(bob, 'pvtGet', [ORG1, 'k'], { peer: 'Org2MSP' }));
    expect(err).to.be.instanceOf(HarnessEndorseError);
    expect(err.message).to.match(
      /^GET_STATE failed: transaction ID: [0-9a-f]{64}: private data matching public hash version is not available\. Public hash version = \{BlockNum: 1, TxNum: 0\}, Private data version = <nil>$/,
    );
    // a missing key is empty on any peer; the hash is served everywhere
    expect(await h.evaluateWith(bob, 'pvtGet', [ORG1, 'none'], { peer: 'Org2MSP' })).to.equal(undefined);
    expect(await h.evaluateWith(bob, 'pvtHash', [ORG1, 'k'], { peer: 'Org2MSP' })).to.equal(sha256('secret').toString('hex'));
    expect(h.ledger.getPrivateData('Org2MSP', 'acetrace', ORG1, 'k')).to.equal(undefined);
    expect(h.ledger.getPrivateData('Org1MSP', 'acetrace', ORG1, 'k')?.value.toString()).to.equal('secret');
  });

  it('refuses collections that are not an implicit collection of a channel organisation', async () => {
    const err = await rejection(h.evaluateWith(alice, 'pvtGet', ['_implicit_org_NoSuchMSP', 'k'], {}));
    expect(err.message).to.match(/collection \[_implicit_org_NoSuchMSP\] not defined in the collection config for chaincode \[acetrace\]$/);
    const other = await rejection(h.submitWith(alice, 'pvtPut', ['custom', 'k'], transient('v')));
    expect(other.message).to.match(/collection \[custom\] not defined in the collection config for chaincode \[acetrace\]$/);
  });

  it('MVCC-checks hashed reads at commit like public reads', async () => {
    await h.submitWith(alice, 'pvtIncrement', [ORG1, 'n'], {});
    const t1 = await h.simulateWith(alice, 'pvtIncrement', [ORG1, 'n'], {});
    const t2 = await h.simulateWith(alice, 'pvtIncrement', [ORG1, 'n'], {});
    const [ns] = fromTxReadWriteSet(t1.rwset);
    expect(ns?.collections?.[0]?.hashedReads[0]?.version).to.deep.equal({ blockNum: 1, txNum: 0 });
    expect(await h.commit([t1, t2])).to.deep.equal(['VALID', 'MVCC_READ_CONFLICT']);
    const stale = await h.simulateWith(alice, 'pvtIncrement', [ORG1, 'n'], {});
    await h.submitWith(alice, 'pvtPut', [ORG1, 'n'], transient('10'));
    expect(await h.commit([stale])).to.deep.equal(['MVCC_READ_CONFLICT']);
    expect(await h.evaluateWith(alice, 'pvtGet', [ORG1, 'n'], {})).to.equal(10);
  });

  it('purges the value and its history from the private store and the hashed state; later reads return nothing', async () => {
    await h.submitWith(alice, 'pvtPut', [ORG1, 'p'], transient('first'));
    await h.submitWith(alice, 'pvtPut', [ORG1, 'p'], transient('second'));
    expect(h.ledger.getPrivateHistory('Org1MSP', 'acetrace', ORG1, 'p').map((e) => e.value.toString())).to.deep.equal(['second', 'first']);
    const purge = await h.simulateWith(alice, 'pvtPurge', [ORG1, 'p'], {});
    const write = fromTxReadWriteSet(purge.rwset)[0]?.collections?.[0]?.hashedWrites[0];
    expect(write).to.deep.include({ isDelete: true, isPurge: true });
    expect(await h.commit([purge])).to.deep.equal(['VALID']);
    expect(h.ledger.getPrivateHistory('Org1MSP', 'acetrace', ORG1, 'p')).to.deep.equal([]);
    expect(h.ledger.getPrivateDataHash('acetrace', ORG1, 'p')).to.equal(undefined);
    expect(await h.evaluateWith(alice, 'pvtGet', [ORG1, 'p'], {})).to.equal(undefined);
    expect(await h.evaluateWith(alice, 'pvtHash', [ORG1, 'p'], {})).to.equal(undefined);
  });

  it('deletes a private key but keeps its history until a purge', async () => {
    await h.submitWith(alice, 'pvtPut', [ORG1, 'd'], transient('v'));
    await h.submitWith(alice, 'pvtDel', [ORG1, 'd'], {});
    expect(await h.evaluateWith(alice, 'pvtGet', [ORG1, 'd'], {})).to.equal(undefined);
    expect(h.ledger.getPrivateHistory('Org1MSP', 'acetrace', ORG1, 'd').map((e) => e.isDelete)).to.deep.equal([true, false]);
  });

  it('ranges over the simulating peer\'s own private store only, and refuses writes after such a query', async () => {
    await h.submitWith(alice, 'pvtPut', [ORG1, 'r1'], transient('a'));
    await h.submitWith(alice, 'pvtPut', [ORG1, 'r2'], transient('b'));
    expect(await h.evaluateWith(alice, 'pvtRange', [ORG1, 'r', 's'], {})).to.deep.equal([
      { key: 'r1', value: 'a' },
      { key: 'r2', value: 'b' },
    ]);
    expect(await h.evaluateWith(bob, 'pvtRange', [ORG1, 'r', 's'], { peer: 'Org2MSP' })).to.deep.equal([]);
    const err = await rejection(h.submitWith(alice, 'pvtRangeThenPut', [ORG1, 'pub'], {}));
    expect(err.message).to.match(/unsuppored transaction\. Transaction has already performed queries on pvt data\. Writes are not allowed$/);
  });

  it('hands the transient map to the chaincode and reports the simulating peer\'s MSP', async () => {
    const view = await h.evaluateWith(bob, 'peerView', [], { transient: { a: '1', b: '2' }, peer: 'Org3MSP' });
    expect(view).to.deep.equal({ mspId: 'Org3MSP', transientKeys: ['a', 'b'] });
  });

  it('stores no private data when the disseminated write set does not match the committed hash', async () => {
    const tx = await h.simulateWith(alice, 'pvtPut', [ORG1, 'm'], transient('real'));
    const forged = await h.simulateWith(alice, 'pvtPut', [ORG1, 'm'], transient('forged'));
    const codes = await h.commit([{ ...tx, ...(forged.privateData ? { privateData: forged.privateData } : {}) }]);
    expect(codes).to.deep.equal(['VALID']);
    expect(h.ledger.getPrivateDataHash('acetrace', ORG1, 'm')?.valueHash.equals(sha256('real'))).to.equal(true);
    expect(h.ledger.getPrivateData('Org1MSP', 'acetrace', ORG1, 'm')).to.equal(undefined);
  });
});

describe('private store at rest', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acetrace-pvt-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates a 32-byte key file with mode 0600 once and reuses it', async () => {
    const path = join(dir, 'private-data.key');
    const first = await PrivateDataCipher.fromKeyFile(path);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(readFileSync(path).length).to.equal(32);
    const sealed = first.seal(Buffer.from('hello'), 'aad');
    const again = await PrivateDataCipher.fromKeyFile(path);
    expect(again.open(sealed, 'aad').toString()).to.equal('hello');
    expect(() => again.open(sealed, 'other aad')).to.throw();
  });

  it('leaves no cleartext marker in any file of the data folder', async () => {
    const cipher = await PrivateDataCipher.fromKeyFile(join(dir, 'private-data.key'));
    const dbPath = join(dir, 'ledger.sqlite');
    const h2 = await LedgerHarness.create({ contracts: fixtureContracts, db: dbPath, cipher });
    const alice = await h2.identity({ mspId: 'Org1MSP', role: 'supplier' });
    const marker = 'MARKER-at-rest-7f3a';
    await h2.submitWith(alice, 'pvtPut', [ORG1, 'k'], { transient: { value: marker } });
    await h2.submitWith(alice, 'pvtPutWithPublic', [ORG1, 'k2', 'pub'], { transient: { value: `${marker}-2` } });
    expect(await h2.evaluateWith(alice, 'pvtGet', [ORG1, 'k'], {})).to.equal(marker);
    // reopened with the same key file, the store still decrypts
    await h2.close();
    const reopened = Ledger.open(dbPath, { cipher: await PrivateDataCipher.fromKeyFile(join(dir, 'private-data.key')) });
    expect(reopened.getPrivateData('Org1MSP', 'acetrace', ORG1, 'k')?.value.toString()).to.equal(marker);
    reopened.close();
    const files = filesUnder(dir);
    expect(files.some((f) => f.endsWith('ledger.sqlite'))).to.equal(true);
    for (const file of files) {
      expect(readFileSync(file).includes(marker), file).to.equal(false);
    }
  });
});
