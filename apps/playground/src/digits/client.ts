import type { ToWorker } from './protocol';
import { useDigits } from './store';

/** The page's side of the Digits worker: starts it, routes its messages into the store. */
let worker: Worker | null = null;

export function startDigitsWorker(): () => void {
  const w = new Worker(new URL('./digits.worker.ts', import.meta.url), { type: 'module' });
  worker = w;
  w.onmessage = (event) => useDigits.getState().receive(event.data);
  w.onerror = (event) =>
    useDigits.getState().receive({ type: 'error', message: `The training worker failed: ${event.message}` });
  // The digits file sits beside the page (public/digits/, copied into dist/ by the build).
  send({
    type: 'init',
    url: new URL('digits/digits.bin', document.baseURI).href,
    hidden: useDigits.getState().hidden,
  });
  return () => {
    w.terminate();
    if (worker === w) worker = null;
  };
}

export function send(message: ToWorker, transfer: Transferable[] = []): void {
  worker?.postMessage(message, transfer);
}
