import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, Dense, datasets, loadModel, mlp, Sequential, saveModel } from '../src/index.js';
import { caught, caughtAsync } from './caught.js';
import { kernels } from './kernels.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'chainrule-save-'));
const at = (f: string) => path.join(dir, f);
const species = ['setosa', 'versicolor', 'virginica'];

// Three classes on features of very different scales: the Normalization matters, so losing it would show.
const data = datasets.clusters({ count: 90, classes: 3, seed: 4 });
const X = data.x.toArray().map(([a = 0, b = 0]) => [1000 + 200 * a, 0.01 * b]);

async function trained(): Promise<Sequential> {
  const model = mlp([2, 8, 3], {
    loss: 'softmaxCrossEntropy',
    activation: 'tanh',
    standardize: X,
    labels: species,
    kernels,
    seed: 7,
  });
  await model.fit(X, data.y, { epochs: 15, optimizer: new Adam({ learningRate: 0.02 }) });
  return model;
}

describe('saveModel / loadModel: files', () => {
  it('a file round trip keeps the weights, the Normalization and the labels: predictions are identical', async () => {
    const model = await trained();
    const saved = await saveModel(model, at('iris.json'));
    expect(saved.target).toBe(at('iris.json'));
    const back = await loadModel(at('iris.json'), { kernels });
    expect(back.layers.map((l) => l.type)).toEqual(['normalization', 'dense', 'dense']);
    expect(back.labels).toEqual(species);
    expect(back.toJSON()).toEqual(model.toJSON());
    for (const [i, w] of back.getWeights().entries()) {
      expect(w.W.data).toEqual(model.getWeights()[i]?.W.data);
      expect(w.b).toEqual(model.getWeights()[i]?.b);
    }
    expect(back.predict(X).data).toEqual(model.predict(X).data);
    expect(back.predictLabels(X)).toEqual(model.predictLabels(X));
    // The model learned something, so identical predictions are not identical noise.
    const right = back.predictClasses(X).filter((k, r) => data.y.get(r, k) === 1).length;
    expect(right / X.length).toBeGreaterThan(0.9);
    for (const m of [model, back]) m.dispose();
  });

  it('a file:// URL (string or URL object) is a path; saving again replaces the file and leaves no temporary', async () => {
    const model = await trained();
    const url = pathToFileURL(at('by-url.json'));
    writeFileSync(at('by-url.json'), 'an older file');
    await saveModel(model, url);
    const back = await loadModel(url.href, { kernels });
    expect(back.predict(X).data).toEqual(model.predict(X).data);
    expect(JSON.parse(readFileSync(at('by-url.json'), 'utf8'))).toEqual(model.toJSON());
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const m of [model, back]) m.dispose();
  });

  it('a missing file, a directory, text that is not JSON and JSON that is not a model: errors naming the path', async () => {
    const missing = await caughtAsync(() => loadModel(at('nope.json')));
    expect(missing.code).toBe('IO');
    expect(missing.message).toBe(`loadModel: ${at('nope.json')}: no such file`);

    mkdirSync(at('a-directory'));
    expect((await caughtAsync(() => loadModel(at('a-directory')))).message).toBe(
      `loadModel: ${at('a-directory')}: is a directory, not a model file`,
    );

    const model = await trained();
    const text = JSON.stringify(model.toJSON(), null, 1);
    writeFileSync(at('truncated.json'), text.slice(0, 200));
    const truncated = await caughtAsync(() => loadModel(at('truncated.json')));
    expect(truncated.code).toBe('INVALID_MODEL_JSON');
    expect(truncated.message).toMatch(
      new RegExp(`^loadModel: ${at('truncated.json')}: not valid JSON at .* \\(truncated or corrupted\\?\\)`),
    );

    writeFileSync(at('comma.json'), '{\n  "format": "chainrule.sequential",\n}');
    expect((await caughtAsync(() => loadModel(at('comma.json')))).message).toMatch(
      `loadModel: ${at('comma.json')}: not valid JSON at line 3, column 1`,
    );

    writeFileSync(at('wrong.json'), JSON.stringify({ ...model.toJSON(), version: 99 }));
    const wrong = await caughtAsync(() => loadModel(at('wrong.json')));
    expect(wrong.code).toBe('INVALID_MODEL_JSON');
    expect(wrong.message).toBe(
      `loadModel: ${at('wrong.json')}: model JSON .version: this chainrule reads version 1, got 99`,
    );
    model.dispose();
  });

  it('saving into a missing directory, over a directory, to http(s), to an unknown scheme or to IndexedDB in Node is refused', async () => {
    const model = await trained();
    const nowhere = at('no/such/dir/m.json');
    const e = await caughtAsync(() => saveModel(model, nowhere));
    expect(e.code).toBe('IO');
    expect(e.message).toBe(`saveModel: ${nowhere}: cannot write: its directory does not exist`);
    mkdirSync(at('taken'));
    writeFileSync(at('taken/keep.txt'), 'mine');
    expect((await caughtAsync(() => saveModel(model, at('taken')))).message).toMatch(
      `saveModel: ${at('taken')}: cannot write:`,
    );
    // Nothing the user had is lost, and no temporary is left behind.
    expect(readFileSync(at('taken/keep.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await caughtAsync(() => saveModel(model, 'https://example.com/m.json'))).message).toBe(
      'saveModel: https://example.com/m.json: http(s) URLs are load-only; save to a file path instead',
    );
    expect((await caughtAsync(() => loadModel('s3://bucket/m.json'))).message).toBe(
      'loadModel: s3://bucket/m.json: unknown scheme "s3://"; use a file path, file://, http(s):// or indexeddb://',
    );
    expect((await caughtAsync(() => loadModel('indexeddb://'))).message).toBe(
      "loadModel: 'indexeddb://' names no model; write 'indexeddb://name'",
    );
    const idb = await caughtAsync(() => saveModel(model, 'indexeddb://iris'));
    expect(idb.code).toBe('IO');
    expect(idb.message).toMatch(/^saveModel: indexeddb:\/\/iris: IndexedDB is not available here/);
    expect((await caughtAsync(() => loadModel(''))).message).toBe(
      "loadModel: expected a file path, a URL or 'indexeddb://name', got an empty string",
    );
    model.dispose();
  });
});

describe('loadModel: URLs', () => {
  let server: Server;
  let base = '';
  let modelText = '';
  let reference: Sequential;

  beforeAll(async () => {
    reference = await trained();
    modelText = JSON.stringify(reference.toJSON());
    server = createServer((req, res) => {
      if (req.url === '/models/iris.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(modelText);
      } else if (req.url === '/models/cut.json') {
        res.writeHead(200).end(modelText.slice(0, 100));
      } else if (req.url === '/models/list.json') {
        res.writeHead(200).end('[1, 2]');
      } else if (req.url === '/private.json') {
        res.writeHead(403).end('no');
      } else {
        res.writeHead(404).end('not here');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    reference.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetches a model over http: the same predictions and labels as the model saved', async () => {
    const back = await loadModel(`${base}/models/iris.json`, { kernels });
    expect(back.predict(X).data).toEqual(reference.predict(X).data);
    expect(back.labels).toEqual(species);
    back.dispose();
    const viaUrl = await loadModel(new URL(`${base}/models/iris.json`));
    expect(viaUrl.predictLabels(X)).toEqual(reference.predictLabels(X));
    viaUrl.dispose();
  });

  it('a 404, a 403, a truncated body, a body that is not a model and a refused connection: errors naming the URL', async () => {
    const notFound = await caughtAsync(() => loadModel(`${base}/models/gone.json`));
    expect(notFound.code).toBe('IO');
    expect(notFound.message).toBe(`loadModel: ${base}/models/gone.json: HTTP 404 Not Found`);
    expect((await caughtAsync(() => loadModel(`${base}/private.json`))).message).toBe(
      `loadModel: ${base}/private.json: HTTP 403 Forbidden`,
    );
    const cut = await caughtAsync(() => loadModel(`${base}/models/cut.json`));
    expect(cut.code).toBe('INVALID_MODEL_JSON');
    expect(cut.message).toMatch(`loadModel: ${base}/models/cut.json: not valid JSON at`);
    expect((await caughtAsync(() => loadModel(`${base}/models/list.json`))).message).toBe(
      `loadModel: ${base}/models/list.json: model JSON : expected an object, got an array`,
    );
    // A port nothing listens on: the request itself fails.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await caughtAsync(() => loadModel(`http://127.0.0.1:${port}/m.json`));
    expect(refused.code).toBe('IO');
    expect(refused.message).toMatch(
      new RegExp(`^loadModel: http://127\\.0\\.0\\.1:${port}/m\\.json: the request failed: .*ECONNREFUSED`),
    );
  });

  it('options.fetch is used instead of the global one', async () => {
    const asked: string[] = [];
    const back = await loadModel('https://models.example/iris.json', {
      fetch: async (url) => {
        asked.push(url);
        return { ok: true, status: 200, statusText: 'OK', text: async () => modelText };
      },
    });
    expect(asked).toEqual(['https://models.example/iris.json']);
    expect(back.predict(X).data).toEqual(reference.predict(X).data);
    back.dispose();
  });
});

describe('labels: class names kept in the model', () => {
  const softmax = () => [new Dense(2, 3, { activation: 'softmax' })];

  it('one per column for softmax, two for one sigmoid column; predictLabels maps predictClasses', () => {
    const s = new Sequential(softmax(), { loss: 'softmaxCrossEntropy', kernels, labels: species });
    expect(s.predictLabels(X)).toEqual(s.predictClasses(X).map((k) => species[k]));
    const b = new Sequential([new Dense(2, 1, { activation: 'sigmoid' })], {
      loss: 'binaryCrossEntropy',
      kernels,
      labels: ['benign', 'malignant'],
    });
    expect(b.predictLabels(X)).toEqual(b.predictClasses(X).map((k) => ['benign', 'malignant'][k]));
    expect(new Set(b.predictLabels(X)).size).toBeGreaterThan(0);
    // Settable and clearable; toJSON writes them only when there are some.
    b.labels = ['no', 'yes'];
    expect(b.toJSON().labels).toEqual(['no', 'yes']);
    b.labels = null;
    expect('labels' in b.toJSON()).toBe(false);
    expect(caught(() => b.predictLabels(X)).message).toMatch(/^predictLabels: the model has no class names/);
    for (const m of [s, b]) m.dispose();
  });

  it('the wrong count, a repeat, an empty name, or names for a regression output are refused', () => {
    const make = (labels: string[], layers = softmax()) =>
      caught(() => new Sequential(layers, { loss: 'softmaxCrossEntropy', kernels, labels })).message;
    expect(make(['a', 'b'])).toBe(
      'Sequential: labels: 2 class names for an output of 3 columns; give one name per column',
    );
    expect(make(['a', 'b', 'a'])).toBe(
      'Sequential: labels: labels[2] "a" repeats labels[0]; names must be unique',
    );
    expect(make(['a', '', 'c'])).toBe('Sequential: labels: labels[1] must be a non-empty string, got ""');
    expect(
      caught(() => new Sequential([new Dense(2, 1)], { loss: 'mse', kernels, labels: ['lo', 'hi'] })).message,
    ).toMatch(/^Sequential: labels: the output is one linear column, which does not classify/);
    const m = new Sequential([new Dense(2, 1, { activation: 'sigmoid' })], {
      loss: 'binaryCrossEntropy',
      kernels,
    });
    expect(caught(() => (m.labels = ['only'])).message).toBe(
      'Sequential: labels: 1 class names for one sigmoid column; give two (the class below the threshold, then the one at or above it)',
    );
    expect(m.labels).toBeNull();
    m.dispose();
  });

  it('fromJSON validates labels as model JSON, naming the field', () => {
    const s = new Sequential(softmax(), { loss: 'softmaxCrossEntropy', kernels, labels: species });
    const json = s.toJSON();
    expect(Sequential.fromJSON(json).labels).toEqual(species);
    const bad = caught(() => Sequential.fromJSON({ ...json, labels: ['a', 'b'] }));
    expect(bad.code).toBe('INVALID_MODEL_JSON');
    expect(bad.message).toBe(
      'model JSON .labels: 2 class names for an output of 3 columns; give one name per column',
    );
    expect(caught(() => Sequential.fromJSON({ ...json, labels: 'abc' })).message).toBe(
      'model JSON .labels: expected an array of class names, got string',
    );
    expect(caught(() => Sequential.fromJSON({ ...json, labels: [1, 2, 3] })).message).toBe(
      'model JSON .labels: labels[0] must be a non-empty string, got 1',
    );
    s.dispose();
  });
});
