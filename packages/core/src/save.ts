import { ChainruleError } from './errors.js';
import type { FromJSONOptions } from './model-types.js';
import { loadFromIndexedDB, saveToIndexedDB } from './save-indexeddb.js';
import { Sequential } from './sequential.js';

/**
 * Where a model is saved to or loaded from:
 * - a file path (Node), or a `file://` URL;
 * - an `http://` or `https://` URL (load only: fetched);
 * - `indexeddb://name` (browsers and their workers: the `chainrule` database, store `models`, key `name`).
 * A string or a URL object. Outside Node a plain path is fetched relative to the page (load only).
 */
export type ModelLocation = string | { readonly href: string };

/** How `loadModel` rebuilds the model: `Sequential.fromJSON`'s options, and the fetch to use for URLs. */
export interface LoadModelOptions extends FromJSONOptions {
  /** Used for http(s) URLs (and paths outside Node); default `globalThis.fetch`. Pass one to add headers. */
  fetch?: (url: string) => Promise<FetchedResponse>;
}

/** The part of a fetch `Response` that `loadModel` reads. */
export interface FetchedResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  /** The body as text (a model's JSON). */
  text(): Promise<string>;
}

/** Where `saveModel` wrote: the absolute file path, or the `indexeddb://` URL. */
export interface SavedModel {
  readonly target: string;
}

type Source =
  | { kind: 'file'; path: string; name: string }
  | { kind: 'http'; url: string }
  | { kind: 'indexeddb'; key: string; url: string };

interface NodeFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}

/**
 * A Node built-in, imported when first needed with a specifier bundlers leave alone, so that core loads in
 * browsers and workers (no Node at load time) and has no dependencies.
 */
async function nodeModule<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
}

function inNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Reads a location into the kind of store it names; throws INVALID_OPTION for what is none of them. */
async function locate(where: string, location: ModelLocation): Promise<Source> {
  const text =
    typeof location === 'string' ? location : typeof location?.href === 'string' ? location.href : undefined;
  if (text === undefined || text === '') {
    throw new ChainruleError(
      'INVALID_OPTION',
      `${where}: expected a file path, a URL or 'indexeddb://name', got ${text === '' ? 'an empty string' : typeof location}`,
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'indexeddb') {
    const key = text.slice('indexeddb://'.length);
    if (key === '')
      throw new ChainruleError(
        'INVALID_OPTION',
        `${where}: '${text}' names no model; write 'indexeddb://name'`,
      );
    return { kind: 'indexeddb', key, url: text };
  }
  if (scheme === 'http' || scheme === 'https') return { kind: 'http', url: text };
  if (scheme === 'file') {
    const { fileURLToPath } = await nodeModule<{ fileURLToPath(url: string): string }>('node:url');
    return { kind: 'file', path: fileURLToPath(text), name: text };
  }
  if (scheme !== undefined) {
    throw new ChainruleError(
      'INVALID_OPTION',
      `${where}: ${text}: unknown scheme "${scheme}://"; use a file path, file://, http(s):// or indexeddb://`,
    );
  }
  if (!inNode()) return { kind: 'http', url: text };
  return { kind: 'file', path: text, name: text };
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** `line 3, column 7` of a character offset. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** Parses and validates model JSON text as `Sequential.fromJSON` does, every message naming `name`. */
function rebuild(where: string, name: string, text: string, options: FromJSONOptions): Sequential {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const place = at ? lineAndColumn(text, Number(at[1])) : `the end (${text.length} characters)`;
    throw new ChainruleError(
      'INVALID_MODEL_JSON',
      `${where}: ${name}: not valid JSON at ${place} (truncated or corrupted?): ${message}`,
    );
  }
  try {
    return Sequential.fromJSON(doc, options);
  } catch (err) {
    if (err instanceof ChainruleError)
      throw new ChainruleError(err.code, `${where}: ${name}: ${err.message}`);
    throw err;
  }
}

async function readFileText(path: string, name: string): Promise<string> {
  const fs = await nodeModule<NodeFs>('node:fs/promises');
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a model file'
          : (err as Error).message;
    throw new ChainruleError('IO', `loadModel: ${name}: ${why}`);
  }
}

async function fetchText(url: string, fetcher: LoadModelOptions['fetch']): Promise<string> {
  const f = fetcher ?? (globalThis as { fetch?: LoadModelOptions['fetch'] }).fetch;
  if (!f) throw new ChainruleError('IO', `loadModel: ${url}: there is no fetch here; pass options.fetch`);
  let response: FetchedResponse;
  try {
    response = await f(url);
  } catch (err) {
    const cause = (err as { cause?: { message?: unknown } }).cause?.message;
    throw new ChainruleError(
      'IO',
      `loadModel: ${url}: the request failed: ${(err as Error).message}${typeof cause === 'string' ? ` (${cause})` : ''}`,
    );
  }
  if (!response.ok) {
    throw new ChainruleError(
      'IO',
      `loadModel: ${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    );
  }
  return response.text();
}

/**
 * Loads a model saved by `saveModel` (or any model JSON `toJSON()` wrote) from a file path or `file://` URL (Node),
 * an `http(s)://` URL (fetched) or `indexeddb://name` (browsers), validated as `Sequential.fromJSON` validates.
 * `options` are fromJSON's (`kernels`, `loss`, `layerTypes`) and `fetch`. Errors name the source: a missing file,
 * an HTTP status or a missing IndexedDB entry is IO; text that is not JSON, or JSON that is not a model, is
 * INVALID_MODEL_JSON with the line and column or the field.
 */
export async function loadModel(source: ModelLocation, options: LoadModelOptions = {}): Promise<Sequential> {
  const { fetch: fetcher, ...fromJSON } = options;
  const at = await locate('loadModel', source);
  if (at.kind === 'file')
    return rebuild('loadModel', at.name, await readFileText(at.path, at.name), fromJSON);
  if (at.kind === 'http') return rebuild('loadModel', at.url, await fetchText(at.url, fetcher), fromJSON);
  return rebuild('loadModel', at.url, await loadFromIndexedDB('loadModel', at.url, at.key), fromJSON);
}

/**
 * Saves `model.toJSON()` to a file path or `file://` URL (Node) or to `indexeddb://name` (browsers), replacing what
 * was there. A file is written beside its target and renamed over it, so a failed write never leaves a truncated
 * model in place of the old one. http(s) URLs are load-only.
 */
export async function saveModel(model: Sequential, target: ModelLocation): Promise<SavedModel> {
  if (!(model instanceof Sequential))
    throw new ChainruleError('INVALID_OPTION', 'saveModel: the first argument must be a Sequential');
  const at = await locate('saveModel', target);
  const text = `${JSON.stringify(model.toJSON())}\n`;
  if (at.kind === 'http') {
    throw new ChainruleError(
      'INVALID_OPTION',
      `saveModel: ${at.url}: ${inNode() ? 'http(s) URLs are load-only' : 'outside Node a path is a URL, and URLs are load-only'}; save to ${inNode() ? 'a file path' : "'indexeddb://name'"} instead`,
    );
  }
  if (at.kind === 'indexeddb') {
    await saveToIndexedDB('saveModel', at.url, at.key, text);
    return { target: at.url };
  }
  const fs = await nodeModule<NodeFs>('node:fs/promises');
  const { resolve } = await nodeModule<{ resolve(path: string): string }>('node:path');
  const path = resolve(at.path);
  const temporary = `${path}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await fs.writeFile(temporary, text, 'utf8');
    await fs.rename(temporary, path);
  } catch (err) {
    await fs.rm(temporary, { force: true }).catch(() => {});
    const code = errnoCode(err);
    const why =
      code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EISDIR'
          ? 'is a directory'
          : (err as Error).message;
    throw new ChainruleError('IO', `saveModel: ${at.name}: cannot write: ${why}`);
  }
  return { target: path };
}
