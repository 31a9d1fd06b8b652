import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the API runs as a separate process; in production the server serves dist/ itself.
const apiTarget = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': apiTarget, '/readyz': apiTarget } },
});
