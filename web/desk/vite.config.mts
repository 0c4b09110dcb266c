import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The desk is built into dist/desk and served by the app itself (api/web-app.route.ts).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('../../dist/desk', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '^/(auth|cases|queues|knowledge|openapi.json|surveys)': 'http://127.0.0.1:3000' } },
});
