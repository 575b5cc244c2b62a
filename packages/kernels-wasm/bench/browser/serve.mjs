// The static server of `pnpm bench:browser`: cross-origin isolated (COOP same-origin + COEP require-corp, so the
// page and its workers get SharedArrayBuffer), on 127.0.0.1 only, serving nothing but the bench page, our two
// packages' build outputs and TensorFlow.js's UMD bundles and .wasm files. `node bench/browser/serve.mjs` serves
// it alone (to open the page in a browser by hand); run.mjs starts it with `startServer()`.
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '../..');
const require = createRequire(path.join(pkg, 'package.json'));
const distOf = (name) => path.dirname(require.resolve(`${name}/package.json`));

/** URL prefix → directory. Nothing outside these directories is served. */
const roots = {
  '/bench/': here,
  '/core/dist/': path.resolve(pkg, '../core/dist'),
  '/kernels-wasm/dist/': path.join(pkg, 'dist'),
  '/kernels-wasm/build/': path.join(pkg, 'build'),
  '/tfjs/': path.join(distOf('@tensorflow/tfjs'), 'dist'),
  '/tfjs-backend-wasm/': path.join(distOf('@tensorflow/tfjs-backend-wasm'), 'dist'),
};

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** On every response: cross-origin isolation, and no caching (every run loads the files it was built with). */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/**
 * Import maps do not reach workers (the bench runs in workers), so the one bare specifier in our dist —
 * `@chainrule/core`, imported by kernels-wasm's dist — is rewritten to core's served entry, as a bundler would.
 */
function rewriteBare(text) {
  return text.replace(/from '@chainrule\/core'/g, "from '/core/dist/index.js'");
}

/** The file a URL path names, or null (unknown prefix, or a path that climbs out of its root). */
function fileFor(urlPath) {
  if (urlPath === '/' || urlPath === '/index.html') return path.join(here, 'index.html');
  for (const [prefix, dir] of Object.entries(roots)) {
    if (!urlPath.startsWith(prefix)) continue;
    const file = path.resolve(dir, `.${urlPath.slice(prefix.length - 1)}`);
    return file.startsWith(dir + path.sep) ? file : null;
  }
  return null;
}

/** Starts the server on 127.0.0.1 (`port` 0: any free port); resolves to its origin and a close function. */
export async function startServer({ port = 0, log = () => {} } = {}) {
  const server = createServer(async (req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...isolation, 'Content-Type': type });
      res.end(body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'GET only');
      const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (urlPath === '/favicon.ico') return send(204, '');
      const file = fileFor(urlPath);
      if (!file || !(await stat(file).catch(() => null))?.isFile()) {
        log(`404 ${urlPath}`);
        return send(404, `not found: ${urlPath}`);
      }
      const type = types[path.extname(file)] ?? 'application/octet-stream';
      let body = await readFile(file);
      if (urlPath.startsWith('/kernels-wasm/dist/') && file.endsWith('.js'))
        body = Buffer.from(rewriteBare(body.toString('utf8')));
      res.writeHead(200, { ...isolation, 'Content-Type': type, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      send(500, String(e?.stack ?? e));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    origin,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8787);
  const { origin } = await startServer({ port, log: console.log });
  console.log(`bench page (cross-origin isolated): ${origin}/`);
}
