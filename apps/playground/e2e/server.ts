import { existsSync } from 'node:fs';
import { preview } from 'vite';
import type { TestProject } from 'vitest/node';

/** Serves dist/ on a free port for the browser tests; they read the address from PLAYGROUND_URL. */
export default async function setup(project: TestProject) {
  const root = new URL('..', import.meta.url).pathname;
  if (!existsSync(`${root}dist/index.html`))
    throw new Error('apps/playground/dist is missing: run `pnpm build` first');
  // Cross-origin isolated, as `pnpm start` and `pnpm dev` serve it: the workers get SharedArrayBuffer, so threads.
  const server = await preview({
    root,
    preview: {
      port: 0,
      host: '127.0.0.1',
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    },
    logLevel: 'error',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server did not report an address');
  project.provide('playgroundUrl', url);
  return async () => {
    await server.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    playgroundUrl: string;
  }
}
