import { ChainruleError } from './errors.js';

// IndexedDB through globalThis.indexedDB, typed here with the few members used: core builds without the DOM lib.

/** The database `saveModel(model, 'indexeddb://name')` writes to. */
export const INDEXEDDB_DATABASE = 'chainrule';
/** The object store in that database; the key is the name after `indexeddb://`. */
export const INDEXEDDB_STORE = 'models';

interface IdbError {
  readonly name: string;
  readonly message: string;
}

interface IdbRequest<T> {
  readonly result: T;
  readonly error: IdbError | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}

interface IdbDatabase {
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransaction;
  close(): void;
}

interface IdbTransaction {
  readonly error: IdbError | null;
  objectStore(name: string): IdbStore;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

interface IdbStore {
  put(value: unknown, key: string): IdbRequest<unknown>;
  get(key: string): IdbRequest<unknown>;
}

interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
}

function idbError(where: string, what: string, error: IdbError | null | undefined): ChainruleError {
  return new ChainruleError(
    'IO',
    `${where}: ${what}: ${error ? `${error.name}: ${error.message}` : 'unknown IndexedDB error'}`,
  );
}

async function open(where: string, url: string): Promise<IdbDatabase> {
  const factory = (globalThis as { indexedDB?: IdbFactory }).indexedDB;
  if (!factory) {
    throw new ChainruleError(
      'IO',
      `${where}: ${url}: IndexedDB is not available here (it is in browsers and their workers, not in Node)`,
    );
  }
  return new Promise<IdbDatabase>((resolve, reject) => {
    const request = factory.open(INDEXEDDB_DATABASE, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(INDEXEDDB_STORE))
        request.result.createObjectStore(INDEXEDDB_STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(idbError(where, `${url}: cannot open the "${INDEXEDDB_DATABASE}" database`, request.error));
    request.onblocked = () =>
      reject(
        new ChainruleError(
          'IO',
          `${where}: ${url}: the "${INDEXEDDB_DATABASE}" database is blocked by an older version open in another tab`,
        ),
      );
  });
}

/** Stores the model JSON text under `name`, resolving once the transaction has committed. */
export async function saveToIndexedDB(where: string, url: string, name: string, text: string): Promise<void> {
  const db = await open(where, url);
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(INDEXEDDB_STORE, 'readwrite');
      tx.objectStore(INDEXEDDB_STORE).put(text, name);
      tx.oncomplete = () => resolve();
      const failed = () => reject(idbError(where, `${url}: writing the model failed`, tx.error));
      tx.onerror = failed;
      tx.onabort = failed;
    });
  } finally {
    db.close();
  }
}

/** The model JSON text stored under `name`; throws IO naming `url` when there is none. */
export async function loadFromIndexedDB(where: string, url: string, name: string): Promise<string> {
  const db = await open(where, url);
  let value: unknown;
  try {
    value = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction(INDEXEDDB_STORE, 'readonly').objectStore(INDEXEDDB_STORE).get(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(idbError(where, `${url}: reading the model failed`, request.error));
    });
  } finally {
    db.close();
  }
  if (value === undefined) {
    throw new ChainruleError(
      'IO',
      `${where}: ${url}: no model named "${name}" in IndexedDB (database "${INDEXEDDB_DATABASE}", store "${INDEXEDDB_STORE}")`,
    );
  }
  if (typeof value !== 'string') {
    throw new ChainruleError(
      'INVALID_MODEL_JSON',
      `${where}: ${url}: the stored value is ${typeof value}, not model JSON text (was it written by saveModel?)`,
    );
  }
  return value;
}
