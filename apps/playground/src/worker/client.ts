import { usePlayground } from '../state/store';
import type { FromWorker, ToWorker } from './protocol';

/** The page's side of the worker protocol: one worker, messages in, store updates out. */
let worker: Worker | null = null;

export function send(message: ToWorker): void {
  worker?.postMessage(message);
}

export function startWorker(): () => void {
  worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const msg = event.data;
    const store = usePlayground.getState();
    switch (msg.type) {
      case 'ready':
        usePlayground.setState({
          kernels: { active: msg.kernels, variant: msg.variant, wasmError: msg.wasmError },
        });
        break;
      case 'snapshot':
        store.applySnapshot(msg.snapshot);
        break;
      case 'inspection':
        usePlayground.setState({ inspection: msg.inspection });
        break;
      case 'iteration':
        store.addIteration(msg.trace);
        break;
      case 'model':
        download('chainrule-model.json', msg.json, 'application/json');
        break;
      case 'imported':
        // The worker already holds the imported weights: take its architecture without rebuilding.
        usePlayground.setState((s) => ({
          config: { ...s.config, ...msg.config },
          notice: 'Model imported.',
        }));
        break;
      case 'error':
        store.setNotice(msg.message);
        break;
    }
  };
  worker.onerror = (event) => usePlayground.getState().setNotice(`The trainer stopped: ${event.message}`);
  return () => {
    worker?.terminate();
    worker = null;
  };
}

export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
