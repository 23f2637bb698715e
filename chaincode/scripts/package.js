#!/usr/bin/env node
/*
 * Packages the chaincode for Fabric, from chaincode/ alone (run after `tsc -p tsconfig.build.json`):
 *
 *   build/<label>.tar.gz        `peer lifecycle chaincode package --lang node` layout:
 *                               metadata.json {path:"", type:"node", label} + code.tar.gz holding
 *                               src/ = package.json, npm-shrinkwrap.json, dist/ (no tests)
 *   build/<label>-ccaas.tar.gz  chaincode-as-a-service: metadata.json {type:"ccaas", label} +
 *                               code.tar.gz holding connection.json
 *
 * The shrinkwrap is cut from the workspace's package-lock.json: the production dependency closure
 * of this package, as resolved there, so the peer's `npm ci` installs the tested versions.
 *
 * Environment: CC_LABEL (default acetrace_<version>), CHAINCODE_SERVER_ADDRESS for ccaas
 * (default acetrace-ccaas:9999), CHAINCODE_TLS_REQUIRED=true to require TLS.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'build');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const label = process.env.CC_LABEL || `acetrace_${pkg.version}`;

function tar(cwd, file, entries) {
  const gnu = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0'];
  try {
    execFileSync('tar', [...gnu, '-czf', file, ...entries], { cwd, stdio: 'pipe' });
  } catch {
    execFileSync('tar', ['-czf', file, ...entries], { cwd, stdio: 'inherit' });
  }
}

function copyDir(from, to, skip) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (skip(entry.name)) continue;
    if (entry.isDirectory()) copyDir(src, dst, skip);
    else fs.copyFileSync(src, dst);
  }
}

/** The lockfile of this package alone, from the nearest package-lock.json (this folder or the workspace root). */
function shrinkwrap() {
  const own = path.join(root, 'package-lock.json');
  const lockPath = fs.existsSync(own) ? own : path.join(root, '..', 'package-lock.json');
  const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
  const packages = lock.packages || {};
  const prefix = lockPath === own ? '' : `${path.basename(root)}/`;
  const found = {};
  const resolve = (from, name) => {
    // Node's lookup: from/node_modules/name, then each parent's node_modules, then the top.
    let dir = from;
    for (;;) {
      for (const candidate of [`${prefix}${dir ? `${dir}/` : ''}node_modules/${name}`, `${dir ? `${dir}/` : ''}node_modules/${name}`]) {
        if (packages[candidate] && !packages[candidate].link) return candidate;
      }
      if (!dir) return undefined;
      const idx = dir.lastIndexOf('/node_modules/');
      dir = idx >= 0 ? dir.slice(0, idx) : '';
    }
  };
  const visit = (from, deps) => {
    for (const name of Object.keys(deps || {})) {
      const key = resolve(from, name);
      if (!key) throw new Error(`${name} (needed by ${from || pkg.name}) is not in ${lockPath}`);
      const local = key.startsWith(prefix) && prefix ? key.slice(prefix.length) : key;
      if (found[local]) continue;
      const { dev, devOptional, peer, ...entry } = packages[key];
      found[local] = entry;
      visit(local, { ...entry.dependencies, ...entry.optionalDependencies });
    }
  };
  visit('', pkg.dependencies);
  const sorted = Object.fromEntries(Object.keys(found).sort().map((k) => [k, found[k]]));
  return {
    name: pkg.name,
    version: pkg.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: pkg.name, version: pkg.version, license: pkg.license, dependencies: pkg.dependencies }, ...sorted },
  };
}

function stagedPackageJson() {
  const { devDependencies, scripts, ...rest } = pkg;
  const rootPkgPath = path.join(root, '..', 'package.json');
  const rootPkg = fs.existsSync(rootPkgPath) ? JSON.parse(fs.readFileSync(rootPkgPath, 'utf8')) : {};
  // `$name` in the workspace's overrides points at the workspace's own dependency: pin its spec.
  const rootSpecs = { ...rootPkg.devDependencies, ...rootPkg.dependencies };
  const pin = (value) =>
    typeof value === 'string'
      ? value.startsWith('$') ? rootSpecs[value.slice(1)] ?? value : value
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pin(v)]));
  const overrides = rootPkg.overrides ? pin(rootPkg.overrides) : undefined;
  return { ...rest, scripts: { start: scripts.start, 'start:server': scripts['start:server'] }, ...(overrides ? { overrides } : {}) };
}

function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/index.js missing: run `npm run build` first');
  fs.rmSync(out, { recursive: true, force: true });
  const stage = path.join(out, 'stage');

  // node package
  const src = path.join(stage, 'node', 'src');
  copyDir(path.join(root, 'dist'), path.join(src, 'dist'), (n) => /\.test\.(js|d\.ts|js\.map)$/.test(n) || n.endsWith('.tsbuildinfo'));
  fs.writeFileSync(path.join(src, 'package.json'), `${JSON.stringify(stagedPackageJson(), null, 2)}\n`);
  fs.writeFileSync(path.join(src, 'npm-shrinkwrap.json'), `${JSON.stringify(shrinkwrap(), null, 2)}\n`);
  for (const f of ['README.md', 'LICENSE']) if (fs.existsSync(path.join(root, f))) fs.copyFileSync(path.join(root, f), path.join(src, f));
  const nodeDir = path.join(stage, 'node');
  tar(nodeDir, 'code.tar.gz', ['src']);
  fs.writeFileSync(path.join(nodeDir, 'metadata.json'), JSON.stringify({ path: '', type: 'node', label }));
  tar(nodeDir, path.join(out, `${label}.tar.gz`), ['metadata.json', 'code.tar.gz']);

  // chaincode-as-a-service package
  const ccaas = path.join(stage, 'ccaas');
  fs.mkdirSync(ccaas, { recursive: true });
  const connection = {
    address: process.env.CHAINCODE_SERVER_ADDRESS || 'acetrace-ccaas:9999',
    dial_timeout: '10s',
    tls_required: process.env.CHAINCODE_TLS_REQUIRED === 'true',
  };
  fs.writeFileSync(path.join(ccaas, 'connection.json'), JSON.stringify(connection, null, 2));
  tar(ccaas, 'code.tar.gz', ['connection.json']);
  fs.writeFileSync(path.join(ccaas, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
  tar(ccaas, path.join(out, `${label}-ccaas.tar.gz`), ['metadata.json', 'code.tar.gz']);

  fs.rmSync(stage, { recursive: true, force: true });
  process.stdout.write(`${path.join(out, `${label}.tar.gz`)}\n${path.join(out, `${label}-ccaas.tar.gz`)}\n`);
}

main();
