import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { mlp } from '@chainrule/core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './browser';

// core's saveModel/loadModel in a real Chromium: IndexedDB (save and load, across page loads) and fetch. The page
// imports core's built dist/ as ES modules, exactly as published, from a small server started here.

const coreDist = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@chainrule/core/package.json')),
  'dist',
);

/** Iris-like rows on very different scales, with their one-hot classes: the Normalization matters. */
const X = Array.from({ length: 60 }, (_, i) => {
  const c = i % 3;
  return [1000 + 150 * c + 40 * Math.sin(i), 0.01 * c + 0.004 * Math.cos(i * 1.7)];
});
const Y = X.map((_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
const labels = ['setosa', 'versicolor', 'virginica'];

let server: Server;
let origin = '';
let modelText = '';
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  // A model trained in Node, served as a file for the fetch tests.
  const model = mlp([2, 6, 3], { loss: 'softmaxCrossEntropy', standardize: X, labels, seed: 3 });
  await model.fit(X, Y, { epochs: 20, optimizer: { name: 'adam', learningRate: 0.02 } });
  modelText = JSON.stringify(model.toJSON());
  model.dispose();
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>saveModel</title>');
    } else if (url.pathname === '/models/iris.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(modelText);
    } else if (url.pathname.startsWith('/core/') && url.pathname.endsWith('.js')) {
      const file = path.join(coreDist, path.normalize(url.pathname.slice('/core/'.length)));
      if (!file.startsWith(coreDist)) return void res.writeHead(403).end();
      try {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(await readFile(file));
      } catch {
        res.writeHead(404).end();
      }
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ({ context, page, errors } = await launch());
});

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/**
 * Runs `body` (JavaScript, with `core` in scope: @chainrule/core from its dist/) in the page and returns its result.
 * Passed as text, so that nothing transforms it on the way.
 */
async function inPage<T>(body: string, arg: unknown = null): Promise<T> {
  return page.evaluate(
    `(async (arg) => { const core = await import('/core/index.js'); ${body} })(${JSON.stringify(arg)})`,
  ) as Promise<T>;
}

async function fresh() {
  await page.goto('about:blank');
  await page.goto(`${origin}/`);
}

/** An error's code and message, as the page saw them. */
const caughtInPage = (call: string) => `
  try { await ${call}; return null; } catch (e) { return { code: e.code, message: e.message }; }`;

describe('saveModel / loadModel in Chromium', () => {
  it('IndexedDB: saves, loads the same model (weights, Normalization, labels), and keeps it across page loads', async () => {
    await fresh();
    const first = await inPage<{ saved: string; same: boolean; predictions: number[]; labels: string[] }>(
      `
      const { X, Y, labels } = arg;
      const model = core.mlp([2, 6, 3], { loss: 'softmaxCrossEntropy', standardize: X, labels, seed: 5 });
      await model.fit(X, Y, { epochs: 15, optimizer: { name: 'adam', learningRate: 0.02 } });
      const { target } = await core.saveModel(model, 'indexeddb://iris');
      const back = await core.loadModel('indexeddb://iris');
      const a = Array.from(model.predict(X).data), b = Array.from(back.predict(X).data);
      return {
        saved: target,
        same: JSON.stringify(back.toJSON()) === JSON.stringify(model.toJSON()) && a.every((v, i) => v === b[i]),
        predictions: a,
        labels: back.predictLabels(X),
        types: back.layers.map((l) => l.type),
      };`,
      { X, Y, labels },
    );
    expect(first.saved).toBe('indexeddb://iris');
    expect(first.same).toBe(true);
    // It learned: the labels it predicts are mostly the right ones.
    const right = first.labels.filter((l, i) => l === labels[i % 3]).length;
    expect(right / X.length).toBeGreaterThan(0.9);

    // A new document (and a new core): the model is still there, and predicts the same.
    await fresh();
    const again = await inPage<{ predictions: number[]; types: string[]; labels: string[] | null }>(
      `
      const back = await core.loadModel('indexeddb://iris');
      return { predictions: Array.from(back.predict(arg).data), types: back.layers.map((l) => l.type), labels: back.labels };`,
      X,
    );
    expect(again.predictions).toEqual(first.predictions);
    expect(again.types).toEqual(['normalization', 'dense', 'dense']);
    expect(again.labels).toEqual(labels);
  });

  it('IndexedDB: saving again under a name replaces the model; a missing name and a corrupt entry are refused by name', async () => {
    await fresh();
    const result = await inPage<{
      replaced: number;
      missing: { code: string; message: string };
      corrupt: { code: string; message: string };
    }>(`
      const small = new core.Sequential([new core.Dense(2, 1)], { loss: 'mse' });
      await core.saveModel(small, 'indexeddb://iris');
      const replaced = (await core.loadModel('indexeddb://iris')).layers.length;
      const missing = await (async () => { ${caughtInPage("core.loadModel('indexeddb://nothing-here')")} })();
      // An entry that is not model JSON, written behind saveModel's back.
      await new Promise((resolve, reject) => {
        const open = indexedDB.open(core.INDEXEDDB_DATABASE, 1);
        open.onsuccess = () => {
          const tx = open.result.transaction(core.INDEXEDDB_STORE, 'readwrite');
          tx.objectStore(core.INDEXEDDB_STORE).put('{"format": "chainrule.sequential", "layers": [', 'broken');
          tx.oncomplete = () => { open.result.close(); resolve(); };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      });
      const corrupt = await (async () => { ${caughtInPage("core.loadModel('indexeddb://broken')")} })();
      return { replaced, missing, corrupt };`);
    expect(result.replaced).toBe(1);
    expect(result.missing).toEqual({
      code: 'IO',
      message:
        'loadModel: indexeddb://nothing-here: no model named "nothing-here" in IndexedDB (database "chainrule", store "models")',
    });
    expect(result.corrupt.code).toBe('INVALID_MODEL_JSON');
    expect(result.corrupt.message).toBe(
      'loadModel: indexeddb://broken: not valid JSON at the end (46 characters) (truncated or corrupted?): Unexpected end of JSON input',
    );
  });

  it('fetch: a URL and a path relative to the page load; a 404 names the URL; saving to a path is refused', async () => {
    await fresh();
    const result = await inPage<{
      byUrl: string[];
      byPath: string[];
      notFound: { code: string; message: string };
      savePath: { code: string; message: string };
    }>(
      `
      const byUrl = (await core.loadModel(location.origin + '/models/iris.json')).predictLabels(arg);
      const byPath = (await core.loadModel('models/iris.json')).predictLabels(arg);
      const notFound = await (async () => { ${caughtInPage("core.loadModel(location.origin + '/models/gone.json')")} })();
      const small = new core.Sequential([new core.Dense(2, 1)], { loss: 'mse' });
      const savePath = await (async () => { ${caughtInPage("core.saveModel(small, 'models/mine.json')")} })();
      return { byUrl, byPath, notFound, savePath };`,
      X,
    );
    expect(result.byUrl).toHaveLength(X.length);
    expect(result.byPath).toEqual(result.byUrl);
    expect(result.notFound).toEqual({
      code: 'IO',
      message: `loadModel: ${origin}/models/gone.json: HTTP 404 Not Found`,
    });
    expect(result.savePath).toEqual({
      code: 'INVALID_OPTION',
      message:
        "saveModel: models/mine.json: outside Node a path is a URL, and URLs are load-only; save to 'indexeddb://name' instead",
    });
    // The one console error is Chromium's own line for the 404 asked for above.
    expect(errors.filter((e) => !/404 \(Not Found\)/.test(e))).toEqual([]);
  });
});
