import { useEffect, useRef } from 'react';
import { Controls, KernelsStatus } from './components/Controls';
import { DataPanel } from './components/DataPanel';
import { NetworkView } from './components/NetworkView';
import { OutputView } from './components/OutputView';
import { Presets } from './components/Presets';
import { panelInUse, SidePanel } from './components/SidePanel';
import { linkHash, overflowNotice, readLink, STORAGE_KEY } from './state/link';
import { usePlayground } from './state/store';
import './digits/page-nav.css';
import { send, startWorker } from './worker/client';

/** Keeps the worker's network in step with the config, and the URL with the config. */
function useSync() {
  const config = usePlayground((s) => s.config);
  const revision = usePlayground((s) => s.revision);
  const train = usePlayground((s) => s.train);
  const test = usePlayground((s) => s.test);
  const custom = usePlayground((s) => s.custom);
  const overflowed = useRef<unknown>(null);
  const lastOverflow = useRef<string | null>(null);

  useEffect(() => startWorker(), []);

  // A link pasted into this tab changes only the hash: read it like a fresh load.
  useEffect(() => {
    const onHash = () => {
      const { config: next, custom: points, notice } = readLink(location.hash, storage());
      const store = usePlayground.getState();
      if (linkHash(next, points).hash !== linkHash(store.config, store.custom).hash)
        store.applyLink(next, points);
      if (notice) store.setNotice(notice);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Ctrl+Z / ⌘Z takes back the last change to the points (not while typing in a text field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'z') return;
      const target = e.target as HTMLElement | null;
      if (
        target?.closest(
          'textarea, [contenteditable=true], input:not([type=range]):not([type=checkbox]):not([type=file])',
        )
      )
        return;
      if (usePlayground.getState().undoData()) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the revision decides when the worker rebuilds
  useEffect(() => {
    const { config: c, train: tr, test: te } = usePlayground.getState();
    send({ type: 'configure', config: c, train: tr, test: te, keepWeights: revision.keepWeights });
  }, [revision, train, test]);

  // The link carries the config and custom points; too many points for a link go to localStorage, with a notice.
  useEffect(() => {
    const { hash, overflow } = linkHash(config, custom);
    if (overflow && overflowed.current !== custom) {
      overflowed.current = custom;
      let stored = false;
      try {
        localStorage.setItem(STORAGE_KEY, overflow.encoded);
        stored = true;
      } catch {
        stored = false;
      }
      const store = usePlayground.getState();
      const message = overflowNotice(custom.length, overflow.length, stored);
      // After another notice (an import's), or in place of the last overflow notice.
      const rest = (store.notice ?? '').replace(lastOverflow.current ?? '\u0000', '').trim();
      lastOverflow.current = message;
      store.setNotice(rest ? `${rest} ${message}` : message);
    }
    if (location.hash.replace(/^#/, '') !== hash)
      history.replaceState(null, '', hash ? `#${hash}` : location.pathname);
  }, [config, custom]);
}

function storage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

export function App() {
  useSync();
  const notice = usePlayground((s) => s.notice);
  const setNotice = usePlayground((s) => s.setNotice);
  const inUse = usePlayground(panelInUse);
  return (
    <div className="app">
      <div className="title">
        <h1>
          chainrule <span>playground</span>
        </h1>
        <p>Train a neural network in your browser — and watch the backward pass.</p>
        <nav className="page-nav" aria-label="Pages">
          <a href="./" aria-current="page">
            Playground
          </a>
          <a href="digits.html">Digits (MNIST)</a>
        </nav>
        <KernelsStatus />
      </div>
      <Controls />
      {notice && (
        <div className="notice" role="status" data-testid="notice">
          <span>{notice}</span>
          <button
            type="button"
            className="link"
            onClick={() => setNotice(null)}
            aria-label="Dismiss the message"
          >
            ×
          </button>
        </div>
      )}
      {/* Grid areas place these by width: beside each other from 1280 px, output first on a phone (styles.css). */}
      <main className="workspace">
        <div className="left">
          <DataPanel />
          <Presets />
        </div>
        <NetworkView />
        <aside
          className={inUse ? 'right panel-open' : 'right'}
          aria-label="Output and the backward pass"
          data-testid="right-column"
        >
          <OutputView />
          <SidePanel />
        </aside>
      </main>
    </div>
  );
}
