import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP): what makes SharedArrayBuffer available, so the training workers can run the
 * WebAssembly kernels on all cores (`loadWasmKernels({ threads: 'auto' })`). Static hosts: see README.md.
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative URLs (assets, the worker, the wasm): the built site works from any path of any static server.
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Two pages: the playground and the Digits page (MNIST).
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        digits: fileURLToPath(new URL('digits.html', import.meta.url)),
      },
    },
  },
  server: { port: 5173, headers: isolationHeaders },
  preview: { port: 4173, headers: isolationHeaders },
});
