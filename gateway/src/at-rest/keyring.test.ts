import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from '../chai.test';
import { ConfigError } from '../config';
import { tmpDb } from '../ingestion/testutils.test';
import { Keyring, SealedRecordError, addKey, loadOrCreateKeyring, removeKey, sealedKeyId } from './keyring';

/** A key file path in a fresh folder that does not exist yet. */
const freshKeyFile = (): string => path.join(path.dirname(tmpDb()), 'keys', 'data-key.json');
const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

describe('at-rest/keyring', () => {
  it('creates the key file on first use, 0600 in a 0700 folder, and reuses it after', () => {
    const file = freshKeyFile();
    const first = loadOrCreateKeyring(file);
    expect(first.created).to.equal(true);
    expect(modeOf(file)).to.equal(0o600);
    expect(modeOf(path.dirname(file))).to.equal(0o700);
    const again = loadOrCreateKeyring(file);
    expect(again.created).to.equal(false);
    expect(again.keyring.currentKeyId).to.equal(first.keyring.currentKeyId);
    expect(again.keyring.openText(first.keyring.seal('hello', 'row-1'), 'row-1')).to.equal('hello');
  });

  it('seals with a fresh nonce each time, the key id in the record, nothing of the plaintext in it', () => {
    const keyring = Keyring.ephemeral();
    const a = keyring.seal('MARKER-plaintext', 'row-1');
    const b = keyring.seal('MARKER-plaintext', 'row-1');
    expect(a.equals(b)).to.equal(false);
    expect(a.subarray(12, 24).equals(b.subarray(12, 24)), 'nonces differ').to.equal(false);
    expect(sealedKeyId(a)).to.equal(keyring.currentKeyId);
    expect(a.includes('MARKER')).to.equal(false);
    expect(sealedKeyId(Buffer.from('{"eventId":"x"}'))).to.equal(undefined);
  });

  it('detects a flipped byte anywhere in a record, and a record moved to another row', () => {
    const keyring = Keyring.ephemeral();
    const sealed = keyring.seal('{"private":{"consignee":"Jane Doe"}}', 'acetrace-outbox/event/E-1');
    for (const at of [1, 5, 12, 30, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      expect(() => keyring.open(tampered, 'acetrace-outbox/event/E-1'), `byte ${String(at)}`).to.throw(SealedRecordError);
    }
    expect(() => keyring.open(sealed, 'acetrace-outbox/event/E-2')).to.throw(SealedRecordError, /fails authentication/);
    expect(keyring.openText(sealed, 'acetrace-outbox/event/E-1')).to.contain('Jane Doe');
  });

  it('refuses a key file open to group or others, or malformed, with a ConfigError naming ACETRACE_DATA_KEY_FILE', () => {
    const file = freshKeyFile();
    loadOrCreateKeyring(file);
    fs.chmodSync(file, 0o644);
    expect(() => loadOrCreateKeyring(file)).to.throw(ConfigError, /ACETRACE_DATA_KEY_FILE: .*open to group or others \(mode 0644\).*chmod 600/);
    fs.chmodSync(file, 0o600);
    fs.writeFileSync(file, 'not json');
    expect(() => loadOrCreateKeyring(file)).to.throw(ConfigError, /is not JSON/);
    fs.writeFileSync(file, JSON.stringify({ format: 'acetrace-data-keys/1', keys: [{ id: '00112233445566ff', createdAt: new Date().toISOString(), key: 'c2hvcnQ=' }] }));
    expect(() => loadOrCreateKeyring(file)).to.throw(ConfigError, /malformed: keys\.0\.key: must be 32 bytes/);
    fs.writeFileSync(file, JSON.stringify({ format: 'acetrace-data-keys/1', keys: [] }));
    expect(() => loadOrCreateKeyring(file)).to.throw(ConfigError, /at least one key/);
  });

  it('a wrong key file fails clearly: another key under the same id, or a key id it does not hold', () => {
    const file = freshKeyFile();
    const { keyring } = loadOrCreateKeyring(file);
    const sealed = keyring.seal('payload', 'row');
    const content = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: Array<{ key: string }> };
    const entry = content.keys[0];
    if (entry) entry.key = Buffer.alloc(32, 7).toString('base64');
    fs.writeFileSync(file, JSON.stringify(content));
    expect(() => loadOrCreateKeyring(file).keyring.open(sealed, 'row')).to.throw(SealedRecordError, /fails authentication under data key/);
    const other = loadOrCreateKeyring(freshKeyFile()).keyring;
    expect(() => other.open(sealed, 'row')).to.throw(SealedRecordError, new RegExp(`sealed under data key ${keyring.currentKeyId}, which .* does not hold`));
  });

  it('rotation: new records under the new key, old ones still open; a keyring adopts a key added to its file', () => {
    const file = freshKeyFile();
    const { keyring: before } = loadOrCreateKeyring(file);
    const old = before.seal('old', 'r1');
    const after = addKey(file);
    expect(after.keyIds).to.have.length(2);
    expect(after.currentKeyId).to.not.equal(before.currentKeyId);
    expect(sealedKeyId(after.seal('new', 'r2'))).to.equal(after.currentKeyId);
    expect(after.openText(old, 'r1')).to.equal('old');
    expect(modeOf(file)).to.equal(0o600);
    // the running keyring meets a record under the new key: it re-reads the file and seals under the newest from then on
    expect(before.openText(after.seal('new', 'r3'), 'r3')).to.equal('new');
    expect(before.currentKeyId).to.equal(after.currentKeyId);
    expect(() => removeKey(file, after.currentKeyId)).to.throw(ConfigError, /is the current key/);
    expect(removeKey(file, sealedKeyId(old) ?? '').keyIds).to.deep.equal([after.currentKeyId]);
    expect(() => loadOrCreateKeyring(file).keyring.open(old, 'r1')).to.throw(SealedRecordError, /does not hold/);
  });
});
