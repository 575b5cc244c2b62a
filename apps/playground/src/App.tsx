import { useEffect } from 'react';
import { Controls } from './components/Controls';
import { DataPanel } from './components/DataPanel';
import { Inspector } from './components/Inspector';
import { NetworkView } from './components/NetworkView';
import { OutputView } from './components/OutputView';
import { Presets } from './components/Presets';
import { StepThrough } from './components/StepThrough';
import { fromHash, toHash } from './state/config';
import { usePlayground } from './state/store';
import { send, startWorker } from './worker/client';

/** Keeps the worker's network in step with the config, and the URL with the config. */
function useSync() {
  const config = usePlayground((s) => s.config);
  const revision = usePlayground((s) => s.revision);
  const train = usePlayground((s) => s.train);
  const test = usePlayground((s) => s.test);

  useEffect(() => startWorker(), []);

  // A link pasted into this tab changes only the hash: read it like a fresh load.
  useEffect(() => {
    const onHash = () => {
      const { config: next, notice } = fromHash(location.hash);
      const store = usePlayground.getState();
      if (toHash(next) !== toHash(store.config)) store.update(next);
      if (notice) store.setNotice(notice);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the revision decides when the worker rebuilds
  useEffect(() => {
    const { config: c, train: tr, test: te } = usePlayground.getState();
    send({ type: 'configure', config: c, train: tr, test: te, keepWeights: revision.keepWeights });
  }, [revision, train, test]);

  useEffect(() => {
    const hash = toHash(config);
    if (location.hash.replace(/^#/, '') !== hash)
      history.replaceState(null, '', hash ? `#${hash}` : location.pathname);
  }, [config]);
}

export function App() {
  useSync();
  const notice = usePlayground((s) => s.notice);
  const setNotice = usePlayground((s) => s.setNotice);
  return (
    <div className="app">
      <div className="title">
        <h1>
          chainrule <span>playground</span>
        </h1>
        <p>Train a neural network in your browser — and watch the backward pass.</p>
      </div>
      <Controls />
      {notice && (
        <div className="notice" role="status" data-testid="notice">
          {notice}
          <button type="button" className="link" onClick={() => setNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      <main className="main">
        <div className="left">
          <DataPanel />
          <Presets />
        </div>
        <NetworkView />
        <OutputView />
      </main>
      <div className="bottom">
        <Inspector />
        <StepThrough />
      </div>
    </div>
  );
}
