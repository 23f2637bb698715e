/**
 * A local certificate authority and a server certificate for the gateway's HTTPS in development:
 * `npm start -- --tls` uses it, and `node scripts/dist/local-tls.js [dir] [extra-host ...]` writes
 * it for `npm run start:gateway` (printing the ACETRACE_TLS_* lines to export). Not for production:
 * there, use certificates from your own CA.
 *
 * Files (in `<dataDir>/gateway/tls/` by default; the folder 0700, keys 0600): `ca-cert.pem` (give it
 * to clients: `curl --cacert`), `ca-key.pem`, `ca.json`, `server-cert.pem`, `server-key.pem`.
 * A second run reuses them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CertificateAuthority } from '@acetrace/network';

export interface LocalTls {
  /** The local CA's certificate, for clients to trust. */
  caFile: string;
  certFile: string;
  keyFile: string;
  /** True when this call created the files. */
  created: boolean;
}

/** The default folder of the local CA under a data dir. */
export function localTlsDir(dataDir: string): string {
  return path.join(dataDir, 'gateway', 'tls');
}

/**
 * Creates (or reuses) the local CA and a server certificate for `localhost`, `127.0.0.1`, `::1`
 * and `hosts`.
 */
export async function ensureLocalTls(dir: string, hosts: readonly string[] = []): Promise<LocalTls> {
  const caFile = path.join(dir, 'ca-cert.pem');
  const certFile = path.join(dir, 'server-cert.pem');
  const keyFile = path.join(dir, 'server-key.pem');
  if ([caFile, certFile, keyFile].every((f) => fs.existsSync(f))) return { caFile, certFile, keyFile, created: false };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const ca = fs.existsSync(path.join(dir, 'ca-key.pem'))
    ? await CertificateAuthority.load(dir)
    : await CertificateAuthority.create('acetrace-local', { commonName: 'acetrace local development CA', validityDays: 825 });
  await ca.save(dir);
  const server = await ca.issueTlsServer({ commonName: 'localhost', hosts });
  fs.writeFileSync(certFile, server.certPem);
  fs.writeFileSync(keyFile, server.keyPem, { mode: 0o600 });
  return { caFile, certFile, keyFile, created: true };
}

async function main(): Promise<void> {
  const [dirArg, ...hosts] = process.argv.slice(2);
  const dir = path.resolve(dirArg ?? localTlsDir(path.resolve(process.env.ACETRACE_DATA_DIR ?? '.acetrace')));
  const tls = await ensureLocalTls(dir, hosts);
  process.stdout.write(
    [
      `# local CA ${tls.created ? 'created' : 'reused'} in ${dir}; clients trust ${tls.caFile}`,
      `export ACETRACE_TLS_CERT_FILE=${tls.certFile}`,
      `export ACETRACE_TLS_KEY_FILE=${tls.keyFile}`,
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`local-tls failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
