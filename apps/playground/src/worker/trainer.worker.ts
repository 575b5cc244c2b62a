/// <reference lib="webworker" />
import { ChainruleError, jsKernels, type Kernels } from '@chainrule/core';
import { loadWasmKernels } from '@chainrule/kernels-wasm';
import type { FromWorker, InspectTarget, KernelChoice, ToWorker } from './protocol';
import { Trainer } from './trainer';

/**
 * The trainer worker: trains in slices of about 12 ms and posts a snapshot at display rate (heatmaps at most 10
 * times a second), so the page never waits on training.
 */
const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);

let wasm: Kernels | null = null;
let wasmError: string | null = null;
let choice: KernelChoice = 'wasm';
let trainer: Trainer | null = null;
let playing = false;
/** Epochs per second while playing (0: as fast as possible), and the budget already spent since play. */
let speed = 60;
const pace = { start: 0, epochs: 0 };
let inspecting: InspectTarget | null = null;
/** The training row the derivation panel follows (an `inspect` message without one keeps it). */
let inspectExample = 0;
let lastSnapshot = 0;
let lastHeatmap = 0;
const rate = { steps: 0, epochs: 0, windowStart: 0, windowSteps: 0, windowEpochs: 0 };

const wasmReady = loadWasmKernels({ threads: 'auto' })
  .then((k) => {
    wasm = k;
    return k.name;
  })
  .catch((err: unknown) => {
    wasmError = err instanceof Error ? err.message : String(err);
    return null;
  });

function kernelsFor(kind: KernelChoice): Kernels {
  return kind === 'wasm' && wasm ? wasm : jsKernels;
}

function send(withHeatmaps: boolean): void {
  if (!trainer) return;
  const snapshot = trainer.snapshot(withHeatmaps, { steps: rate.steps, epochs: rate.epochs }, playing);
  const transfer: Transferable[] = snapshot.heatmaps ? [snapshot.heatmaps.data.buffer] : [];
  post({ type: 'snapshot', snapshot }, transfer);
  if (inspecting) post({ type: 'inspection', inspection: trainer.inspect(inspecting, inspectExample) });
  lastSnapshot = performance.now();
  if (withHeatmaps) lastHeatmap = lastSnapshot;
}

function fail(err: unknown): void {
  playing = false;
  post({
    type: 'error',
    message: err instanceof ChainruleError || err instanceof Error ? err.message : String(err),
  });
  if (trainer) send(true);
}

// A MessageChannel turn is a macrotask without setTimeout's clamping: messages from the page get in between slices.
const channel = new MessageChannel();
channel.port1.onmessage = () => loop();
const schedule = () => channel.port2.postMessage(null);

function loop(): void {
  if (!playing || !trainer) return;
  try {
    const start = performance.now();
    if (rate.windowStart === 0) rate.windowStart = start;
    // Paced: train only the epochs the chosen speed allows by now; unpaced: as many as fit in 12 ms.
    const allowed =
      speed > 0 ? Math.floor(((start - pace.start) / 1000) * speed) - pace.epochs : Number.POSITIVE_INFINITY;
    let done = 0;
    while (done < allowed && (done === 0 || performance.now() - start < 12)) {
      rate.windowSteps += trainer.trainEpoch();
      rate.windowEpochs++;
      done++;
    }
    pace.epochs += done;
    const now = performance.now();
    if (now - rate.windowStart >= 500) {
      rate.steps = (rate.windowSteps * 1000) / (now - rate.windowStart);
      rate.epochs = (rate.windowEpochs * 1000) / (now - rate.windowStart);
      rate.windowStart = now;
      rate.windowSteps = 0;
      rate.windowEpochs = 0;
    }
    if (now - lastSnapshot >= 30) send(now - lastHeatmap >= 100);
    if (speed > 0) {
      // Sleep until the next epoch is due rather than spin.
      const due = pace.start + ((pace.epochs + 1) * 1000) / speed;
      setTimeout(loop, Math.max(0, Math.min(100, due - performance.now())));
    } else schedule();
  } catch (err) {
    fail(err);
  }
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  try {
    await wasmReady;
    switch (msg.type) {
      case 'configure': {
        if (!trainer) {
          choice = msg.config.kernels;
          trainer = new Trainer(kernelsFor(choice));
          const k = kernelsFor(choice);
          post({ type: 'ready', kernels: k === jsKernels ? 'js' : 'wasm', variant: k.name, wasmError });
        }
        speed = msg.config.speed;
        trainer.configure(msg.config, msg.train, msg.test, msg.keepWeights ?? false);
        send(true);
        break;
      }
      case 'play':
        if (!playing) {
          playing = true;
          pace.start = performance.now();
          pace.epochs = 0;
          rate.windowStart = 0;
          rate.windowSteps = 0;
          rate.windowEpochs = 0;
          schedule();
        }
        break;
      case 'setSpeed':
        speed = msg.epochsPerSecond;
        pace.start = performance.now();
        pace.epochs = 0;
        break;
      case 'pause':
        playing = false;
        send(true);
        break;
      case 'step':
        playing = false;
        trainer?.trainEpoch();
        send(true);
        break;
      case 'reset':
        playing = false;
        trainer?.reset();
        send(true);
        break;
      case 'iterate':
        playing = false;
        if (trainer) {
          const trace = trainer.iterate();
          post({ type: 'iteration', trace });
          send(true);
        }
        break;
      case 'setWeight':
        trainer?.setWeight(msg.layer, msg.from, msg.to, msg.value);
        send(true);
        break;
      case 'setBias':
        trainer?.setBias(msg.layer, msg.unit, msg.value);
        send(true);
        break;
      case 'setKernels': {
        choice = msg.kernels;
        const k = kernelsFor(choice);
        trainer?.setKernels(k);
        rate.steps = 0;
        rate.epochs = 0;
        post({ type: 'ready', kernels: k === jsKernels ? 'js' : 'wasm', variant: k.name, wasmError });
        send(true);
        break;
      }
      case 'inspect':
        inspecting = msg.target;
        if (msg.example !== undefined) inspectExample = msg.example;
        post({
          type: 'inspection',
          inspection: trainer && inspecting ? trainer.inspect(inspecting, inspectExample) : null,
        });
        break;
      case 'exportModel':
        if (trainer) post({ type: 'model', json: trainer.exportModel() });
        break;
      case 'importModel':
        if (trainer) {
          playing = false;
          post({ type: 'imported', config: trainer.importModel(msg.json) });
          send(true);
        }
        break;
    }
  } catch (err) {
    fail(err);
  }
};
