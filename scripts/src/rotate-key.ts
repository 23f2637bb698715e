/**
 * `npm run rotate-key`: a new data key for what the gateway keeps at rest (outbox, EPCIS capture jobs),
 * every sealed record re-sealed under it; `npm run rotate-key -- --retire <keyId>` then removes an old
 * key once nothing is sealed under it. Reads the gateway's configuration (ACETRACE_DATA_DIR,
 * ACETRACE_DATA_KEY_FILE). Run it with the gateway stopped (gateway/README.md "Data at rest").
 */
import './fabric-log-level';
import { ConfigError, loadConfig, retireDataKey, rotateDataKey } from '@acetrace/gateway';

function main(): void {
  const config = loadConfig();
  const at = process.argv.indexOf('--retire');
  if (at >= 0) {
    const keyId = process.argv[at + 1];
    if (keyId === undefined || keyId.startsWith('-')) throw new Error('--retire needs a key id (16 hex digits)');
    const { keyFile, keyIds } = retireDataKey(config, keyId);
    process.stdout.write(`retired data key ${keyId}; ${keyFile} holds ${keyIds.join(', ')}\n`);
    return;
  }
  const report = rotateDataKey(config);
  const lines = [
    `new data key ${report.keyId} in ${report.keyFile}`,
    `re-sealed under it: ${String(report.resealed.outbox)} outbox events, ${String(report.resealed.captures)} EPCIS capture jobs`,
    ...report.olderKeys.map(({ keyId, records }) =>
      records === 0
        ? `older key ${keyId}: no records; retire it with npm run rotate-key -- --retire ${keyId} (keep a backup of the key file until your data backups made before now expire)`
        : `older key ${keyId}: ${String(records)} records still sealed under it (written meanwhile by a running gateway): stop the gateway and run rotate-key again`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`rotate-key failed: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
