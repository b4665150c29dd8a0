/**
 * Vite build of keten's web app: `npm run build:web` writes apps/web/dist, which every keten node
 * serves at `/` (apps/server/src/routes/web.ts). Hashed file names under assets/ are cached for a year;
 * index.html is never cached. Everything (map data included) is bundled: no CDN at run time.
 * `npm run dev -w @keten/web` serves the app with hot reload and forwards /api to a node on :8080.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
});
