/// <reference lib="webworker" />
import { jsKernels, type Kernels } from '@chainrule/core';
import { loadWasmKernels } from '@chainrule/kernels-wasm';
import { loadDigits } from './data';
import type { ChartPoint, FromWorker, HiddenSize, Selection, ToWorker } from './protocol';
import { DigitTrainer } from './trainer';

/**
 * The Digits page's worker: the WebAssembly kernels on every core (`threads: 'auto'`; one thread, with a note, where
 * the page is not cross-origin isolated), training through core's batch loop in slices of 40 ms (one epoch resumed
 * slice after slice, and after a pause), the page's messages handled between slices; after each slice, progress
 * (the chart's new points and the steps' gradient norms) and, when a point was made, the first layer's weights,
 * the inspected unit and the drawn digit's probabilities.
 */
const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);

/** How long (ms) training runs between two turns of the page's messages: one slice, and one progress message. */
const SLICE_MS = 40;

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

/**
 * One slice of training, then the page's messages get their turn (a pause among them) before the next. A
 * MessageChannel turn is a macrotask without setTimeout's clamping (4 ms once nested); one slice is queued at a time.
 */
const channel = new MessageChannel();
let queued = false;
channel.port1.onmessage = () => {
  queued = false;
  slice();
};
function schedule(): void {
  if (queued) return;
  queued = true;
  channel.port2.postMessage(null);
}

/** Trains for SLICE_MS (the epoch in progress, resumed), then posts what the slice brought. */
function slice(): void {
  if (!playing || !trainer) return;
  const model = trainer;
  const points: ChartPoint[] = [];
  const norms: number[] = [];
  try {
    model.train({
      until: Date.now() + SLICE_MS,
      onStep: (first, second, point) => {
        norms.push(model.step, first, second);
        rate.steps++;
        if (point) points.push(point);
      },
    });
  } catch (err) {
    // Core's DIVERGED (the weights as before the failing step): training stops, the steps before it are posted.
    fail(err);
  }
  try {
    const now = performance.now();
    if (now - rate.since >= 1000) {
      rate.stepsPerSecond = (rate.steps * 1000) / (now - rate.since);
      rate.since = now;
      rate.steps = 0;
    }
    sendProgress(points, norms);
    // A point: show it (weights, inspector, prediction); and everything once training has stopped.
    if (points.length > 0 || !playing) {
      sendWeights();
      sendUnit();
      sendPrediction();
    }
  } catch (err) {
    fail(err);
  }
  if (playing) schedule();
}

/** Starts (or resumes) training: slices until a pause, reset or error. */
function play(): void {
  if (!trainer || playing) return;
  playing = true;
  rate.since = performance.now();
  rate.steps = 0;
  schedule();
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

async function handle(msg: ToWorker): Promise<void> {
  try {
    switch (msg.type) {
      case 'init':
        await init(msg.url, msg.hidden);
        break;
      case 'play':
        play();
        break;
      case 'pause':
        // Between slices: the model is free, and the epoch in progress waits for the next play.
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
}

// One message at a time, each to its end (init waits for the data); training's slices run between them.
let queue = Promise.resolve();
self.onmessage = (event: MessageEvent<ToWorker>) => {
  queue = queue.then(() => handle(event.data));
};
