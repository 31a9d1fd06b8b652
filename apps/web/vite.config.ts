import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the API runs as a separate process; in production the server serves dist/ itself.
const apiTarget = 'http://127.0.0.1:3000';

// `zod` is zod with jitless set (src/app/zod-for-web.ts, ADR 0031): importing the setting first
// from main.tsx was not enough, as the chunks main.tsx imports ran before main.tsx's own imports.
const zodForWeb = fileURLToPath(new URL('./src/app/zod-for-web.ts', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: { alias: [{ find: /^zod$/, replacement: zodForWeb }] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': apiTarget, '/readyz': apiTarget } },
});
