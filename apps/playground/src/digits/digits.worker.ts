/// <reference lib="webworker" />
import { jsKernels, type Kernels } from '@chainrule/core';
import { loadWasmKernels } from '@chainrule/kernels-wasm';
import { loadDigits } from './data';
import type { ChartPoint, FromWorker, HiddenSize, Selection, ToWorker } from './protocol';
import { DigitTrainer } from './trainer';

/**
 * The Digits page's worker: the WebAssembly kernels on every core (`threads: 'auto'`; one thread, with a note, where
 * the page is not cross-origin isolated), training through core's batch loop, which yields every 40 ms so the
 * page's messages get in; progress (the chart's new points and the steps' gradient norms) at most every 40 ms, and
 * at each point the first layer's weights, the inspected unit and the drawn digit's probabilities.
 */
const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);

/** How often (ms) training yields to the page's messages, and the most often progress is posted. */
const SLICE_MS = 40;

let trainer: DigitTrainer | null = null;
let playing = false;
/** The training run in progress: aborting its signal stops it after the current step; `done` settles then. */
let run: { signal: { aborted: boolean }; done: Promise<void> } | null = null;
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

/** Trains until `signal` aborts, posting what each step brings (in the callback: training is between two steps). */
async function train(model: DigitTrainer, signal: { aborted: boolean }): Promise<void> {
  let points: ChartPoint[] = [];
  let norms: number[] = [];
  let posted = performance.now();
  rate.since = posted;
  rate.steps = 0;
  const flush = () => {
    sendProgress(points, norms);
    points = [];
    norms = [];
    posted = performance.now();
  };
  try {
    await model.train({
      signal,
      yieldEveryMs: SLICE_MS,
      onStep: (first, second, point) => {
        norms.push(model.step, first, second);
        const now = performance.now();
        rate.steps++;
        if (now - rate.since >= 1000) {
          rate.stepsPerSecond = (rate.steps * 1000) / (now - rate.since);
          rate.since = now;
          rate.steps = 0;
        }
        if (point) points.push(point);
        if (point || now - posted >= SLICE_MS) flush();
        // A point: show it (weights, inspector, prediction) as it is made.
        if (point) {
          sendWeights();
          sendUnit();
          sendPrediction();
        }
      },
    });
  } catch (err) {
    fail(err);
  } finally {
    if (points.length > 0 || norms.length > 0 || !playing) flush();
  }
}

/** Starts training, after any run still stopping has stopped (one loop on the model at a time). */
function play(): void {
  if (!trainer || playing) return;
  playing = true;
  const model = trainer;
  const signal = { aborted: false };
  const before = run?.done ?? Promise.resolve();
  run = { signal, done: before.then(() => train(model, signal)) };
}

/** Stops training and waits until the current step is done: the model is then free to reset or show. */
async function stop(): Promise<void> {
  playing = false;
  const current = run;
  if (!current) return;
  current.signal.aborted = true;
  await current.done;
  if (run === current) run = null;
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
        await stop();
        sendAll();
        break;
      case 'reset':
        await stop();
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

// One message at a time, each to its end (a reset waits for the run it stops); training runs beside them.
let queue = Promise.resolve();
self.onmessage = (event: MessageEvent<ToWorker>) => {
  queue = queue.then(() => handle(event.data));
};
