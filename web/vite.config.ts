import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { firstPageSize } from './build/first-page-size';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
/** DEV_PORT_OFFSET moves every port of `npm run up` (devstack/infra/options.ts), its gateway's and this dev server's too. */
const offset = Number(process.env.DEV_PORT_OFFSET ?? 0);
const gateway = `http://localhost:${8080 + offset}`;

/**
 * The web app's build (`npm run web:build`, part of `npm run build`), its dev
 * server (`npm run web:dev`) and its unit tests (`npm run web:test`).
 * JSX goes through Vite's own esbuild with Preact's automatic runtime: no
 * framework plugin needed.
 */
export default defineConfig({
  root: webRoot,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    // The gateway serves this folder (WEB_APP_DIR, default dist/web); the image copies dist/.
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Small enough to inline nothing: every asset is a hashed file the gateway caches forever.
    assetsInlineLimit: 0,
  },
  plugins: [firstPageSize({ limitBytes: 150 * 1024 })],
  server: {
    port: 5173 + offset,
    // Dev mode: the page comes from Vite (with hot reload), the API from the gateway of `npm run up`.
    proxy: {
      '/api': { target: gateway, changeOrigin: false },
      '/.well-known': { target: gateway },
    },
  },
  test: {
    root: webRoot,
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
