import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// In development the API runs as a separate process; in production the server serves dist/ itself.
const apiTarget = 'http://127.0.0.1:3000';

// `zod` is zod with jitless set (src/app/zod-for-web.ts, ADR 0031): importing the setting first
// from main.tsx was not enough, as the chunks main.tsx imports ran before main.tsx's own imports.
const zodForWeb = fileURLToPath(new URL('./src/app/zod-for-web.ts', import.meta.url));

/**
 * Lists every code and style file of the build in /offline-assets.json; the service worker
 * (public/sw.js) caches them all on install, so every page opens offline, not only those a grid
 * worker happened to visit with network.
 */
const offlineAssets = (): Plugin => ({
  name: 'civitas-offline-assets',
  apply: 'build',
  generateBundle(_options, bundle) {
    const files = Object.keys(bundle)
      .filter((f) => f.startsWith('assets/') && /\.(js|css|woff2?)$/.test(f))
      .map((f) => `/${f}`);
    this.emitFile({ type: 'asset', fileName: 'offline-assets.json', source: JSON.stringify(files) });
  },
});

export default defineConfig({
  plugins: [react(), offlineAssets()],
  resolve: { alias: [{ find: /^zod$/, replacement: zodForWeb }] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': apiTarget, '/readyz': apiTarget } },
});
