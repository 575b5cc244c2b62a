import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** What a plain static host sends for each kind of file the build makes. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export interface StaticSite {
  /** The site's address, ending in the mount path and a slash. */
  url: string;
  /** Every path asked for outside the mount, or not found (a built site with absolute URLs would show here). */
  misses: string[];
  close(): Promise<void>;
}

/**
 * A plain static server, as GitHub Pages or any web host is: the files of `root` under `mount` (e.g.
 * `/some/sub/path/`), nothing else, no rewriting and no special headers unless given. Used to check that the
 * built site works from a sub-path.
 */
export async function serveStatic(
  root: string,
  mount: string,
  headers: Record<string, string> = {},
): Promise<StaticSite> {
  if (!mount.startsWith('/') || !mount.endsWith('/'))
    throw new Error(`serveStatic: the mount must start and end with “/”, got “${mount}”`);
  if (!existsSync(path.join(root, 'index.html')))
    throw new Error(`serveStatic: ${root} has no index.html: run \`pnpm build\` first`);
  const misses: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = decodeURIComponent(url.pathname);
    const file = pathname.startsWith(mount)
      ? path.join(root, pathname.slice(mount.length) || 'index.html')
      : null;
    const inside = file !== null && path.resolve(file).startsWith(path.resolve(root));
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      misses.push(pathname);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${pathname}`);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      ...headers,
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${mount}`,
    misses,
    // The browser keeps its connections alive (and may still be fetching): end them, or close() waits for them.
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
