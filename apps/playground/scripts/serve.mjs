// `pnpm start`: serves the built site (dist/) and prints its address. PORT picks the port (default 4173; the next
// free one if taken).
import { preview } from 'vite';

const server = await preview({
  root: new URL('..', import.meta.url).pathname,
  preview: {
    port: Number(process.env.PORT ?? 4173),
    strictPort: false,
    host: process.env.HOST ?? '127.0.0.1',
  },
});
console.log('\n  chainrule playground is being served:');
server.printUrls();
console.log('\n  Open the address above in a browser; press Ctrl+C to stop.\n');
