/// <reference lib="webworker" />
import { jsKernels, type Kernels } from '@chainrule/core';
import { loadWasmKernels } from '@chainrule/kernels-wasm';
import { loadDigits } from './data';
import type { ChartPoint, FromWorker, HiddenSize, Selection, ToWorker } from './protocol';
import { DigitTrainer } from './trainer';

/**
 * The Digits page's worker: the WebAssembly kernels on every core (`threads: 'auto'`; one thread, with a note, where
 * the page is not cross-origin isolated), training in slices of about 40 ms; after each slice the chart's new
 * points and the steps' gradient norms, and at each point the first layer's weights, the inspected unit and the
 * drawn digit's probabilities.
 */
const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);

let trainer: DigitTrainer | null = null;
let playing = false;
let selection: Selection = { unit: 0, pixel: 14 * 28 + 14 };
let drawn: Float32Array | null = null;
/** The weights grid shows W¹ − W¹₀ (else W¹). */
let change = false;
const rate = { since: 0, steps: 0, stepsPerSecond: 0 };

function fail(err: unknown): void {
  playing = false;
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}

function sendWeights(): void {
  if (!trainer) return;
  const data = trainer.firstLayerWeights(change);
  post({ type: 'weights', hidden: trainer.hidden, step: trainer.step, change, data }, [data.buffer]);
}

function sendUnit(): void {
  if (!trainer) return;
  const view = trainer.unitView(selection);
  post({ type: 'unit', view }, [view.weights.buffer, view.gradient.buffer]);
}

function sendPrediction(): void {
  if (trainer) post({ type: 'prediction', probabilities: drawn ? trainer.predict(drawn) : null });
}

function sendProgress(points: ChartPoint[], norms: number[]): void {
  if (!trainer) return;
  const n = Float64Array.from(norms);
  post(
    {
      type: 'progress',
      progress: {
        step: trainer.step,
        epoch: trainer.epoch,
        playing,
        points,
        norms: n,
        stepsPerSecond: rate.stepsPerSecond,
        secondsPerEpoch: rate.stepsPerSecond > 0 ? trainer.stepsPerEpoch / rate.stepsPerSecond : 0,
      },
    },
    [n.buffer],
  );
}

/** Everything the page shows, after a reset or a pause. */
function sendAll(points: ChartPoint[] = []): void {
  sendProgress(points, []);
  sendWeights();
  sendUnit();
  sendPrediction();
}

// A MessageChannel turn is a macrotask without setTimeout's clamping: messages from the page get in between slices.
const channel = new MessageChannel();
channel.port1.onmessage = () => loop();
const schedule = () => channel.port2.postMessage(null);

function loop(): void {
  if (!playing || !trainer) return;
  try {
    const start = performance.now();
    const points: ChartPoint[] = [];
    const norms: number[] = [];
    let steps = 0;
    let pointed = false;
    while (performance.now() - start < 40) {
      const point = trainer.trainStep(norms);
      steps++;
      if (point) {
        points.push(point);
        pointed = true;
        break; // a point: show it (weights, inspector, prediction) before training on
      }
    }
    const now = performance.now();
    rate.steps += steps;
    if (now - rate.since >= 1000) {
      rate.stepsPerSecond = (rate.steps * 1000) / (now - rate.since);
      rate.since = now;
      rate.steps = 0;
    }
    sendProgress(points, norms);
    if (pointed) {
      sendWeights();
      sendUnit();
      sendPrediction();
    }
    schedule();
  } catch (err) {
    fail(err);
    if (trainer) sendProgress([], []);
  }
}

let kernels: Kernels = jsKernels;
const ready = (async () => {
  try {
    kernels = await loadWasmKernels({ threads: 'auto' });
  } catch (err) {
    post({
      type: 'error',
      message: `The WebAssembly kernels did not load (${(err as Error).message}); training with the JavaScript kernels.`,
    });
  }
})();

async function init(url: string, hidden: HiddenSize): Promise<void> {
  const [data] = await Promise.all([loadDigits(url), ready]);
  trainer = new DigitTrainer(kernels, data, hidden);
  const wasm = kernels as Partial<{ threads: number; threadsNote: string | null }>;
  post({
    type: 'ready',
    kernels: kernels.name,
    threads: wasm.threads ?? 1,
    threadsNote:
      wasm.threadsNote ?? (kernels === jsKernels ? 'the JavaScript kernels run on one thread' : null),
    cores: navigator.hardwareConcurrency || 1,
    train: data.train.x.rows,
    test: data.test.x.rows,
    hidden,
  });
  sendAll([trainer.point()]);
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  try {
    switch (msg.type) {
      case 'init':
        await init(msg.url, msg.hidden);
        break;
      case 'play':
        if (trainer && !playing) {
          playing = true;
          rate.since = performance.now();
          rate.steps = 0;
          schedule();
        }
        break;
      case 'pause':
        playing = false;
        sendAll();
        break;
      case 'reset':
        playing = false;
        if (trainer) {
          trainer.reset(msg.hidden);
          selection = { unit: Math.min(selection.unit, msg.hidden - 1), pixel: selection.pixel };
          rate.stepsPerSecond = 0;
          sendAll([trainer.point()]);
        }
        break;
      case 'predict':
        drawn = msg.pixels;
        sendPrediction();
        break;
      case 'select':
        selection = msg.selection;
        sendUnit();
        break;
      case 'weightsView':
        change = msg.change;
        sendWeights();
        break;
    }
  } catch (err) {
    fail(err);
  }
};
