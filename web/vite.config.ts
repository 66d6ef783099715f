import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// The dashboard: root `web/`, built into `web/dist` (served by the local server and S3).
// Pages are React.lazy chunks; recharts is only ever imported from them, so the initial
// JavaScript is React, the shell and the sign-in page.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // the chart library and its own dependencies in one lazy chunk, loaded with the first chart
            // page (not React: pulling dependencies in recursively would drag React into it)
            { name: 'charts', includeDependenciesRecursively: false, test: /node_modules[\\/](recharts|d3-[a-z-]+|victory-vendor|internmap|decimal\.js-light|es-toolkit|react-redux|@reduxjs|redux|immer|reselect|eventemitter3|tiny-invariant)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8787',
    },
  },
});
