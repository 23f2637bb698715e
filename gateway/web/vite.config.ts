// Builds the auditor page (gateway/web) into gateway/web/dist, which the gateway serves at `/`.
// Everything, the world outlines included, is bundled: the page loads nothing from the internet.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// The chaincode's constants-only module, taken as TypeScript source: its build is CommonJS, which
// Rollup would not tree-shake (nor convert, for a workspace link outside node_modules).
const chaincodeDomain = fileURLToPath(new URL('../../chaincode/src/domain.ts', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  resolve: { alias: { '@acetrace/chaincode/domain': chaincodeDomain } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development: the API is the running gateway.
    proxy: { '/v1': process.env.ACETRACE_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
  },
});
