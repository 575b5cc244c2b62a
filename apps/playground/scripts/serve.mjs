// `pnpm start`: serves the built site (dist/) and prints its address. PORT picks the port (default 4173; the next
// free one if taken). Cross-origin isolated (COOP + COEP, as vite.config.ts's preview.headers also sets), so the
// training workers can run the WebAssembly kernels on all cores.
import { preview } from 'vite';

const server = await preview({
  root: new URL('..', import.meta.url).pathname,
  preview: {
    port: Number(process.env.PORT ?? 4173),
    strictPort: false,
    host: process.env.HOST ?? '127.0.0.1',
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
  },
});
console.log('\n  chainrule playground is being served:');
server.printUrls();
console.log('\n  Open the address above in a browser; press Ctrl+C to stop.\n');
