import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The desk is built into dist/desk and served by the app itself (api/web-app.route.ts).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('../../dist/desk', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  // `npm run web:dev`: the API of a running app (npm start); page navigations stay with Vite.
  server: {
    proxy: {
      '^/(auth|cases|queues|contacts|accounts|knowledge|openapi.json|surveys)': {
        target: 'http://127.0.0.1:3000',
        bypass: (req) => (req.headers.accept?.includes('text/html') && !req.url?.startsWith('/surveys/') ? '/index.html' : undefined),
      },
    },
  },
});
