import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
// Where `npm run dev` listens; override when the API runs elsewhere.
const apiTarget = process.env.KITH_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: here,
  plugins: [react()],
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    // The server's CSP is `script-src 'self'`: the preload polyfill would be an inline script.
    modulePreload: { polyfill: false },
    sourcemap: true,
    // Libraries change less often than the app: separate files keep them cached across releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/ },
            { name: 'validation', test: /node_modules[\\/](zod|libphonenumber-js)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    // The app calls relative /api URLs, so the refresh cookie (path /api/auth, SameSite=Strict)
    // is first-party in development just as in production.
    proxy: {
      '/api': { target: apiTarget },
      '/docs': { target: apiTarget },
      '/openapi.json': { target: apiTarget },
    },
  },
});
