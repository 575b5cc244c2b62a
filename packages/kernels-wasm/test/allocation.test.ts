import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  Activation,
  Adam,
  Dense,
  Dropout,
  Matrix,
  Momentum,
  type Optimizer,
  Sequential,
  SGD,
} from '@chainrule/core';
import { afterAll, describe, expect, it } from 'vitest';
// The built package, as apps get it: the check measures the shipped code, not a test transform. Its own process
// (vitest.alloc.config.ts), so it has one kernels instance, as an app does.
import { loadWasmKernels } from '../dist/index.js';

const kernels = await loadWasmKernels({ variant: 'simd' });

v8.setFlagsFromString('--expose-gc');
// Backing stores a GC frees are otherwise released by a background task, which could land inside the next window
// and cancel out what that window allocated; this way gc() has released them when it returns.
v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');
const gc = vm.runInNewContext('gc') as (options?: { type?: 'major' | 'minor' }) => void;

/** Bytes in V8's young generation, where short-lived JS objects go (large ones to its own large-object space). */
const youngUsed = () => {
  let used = 0;
  for (const s of v8.getHeapSpaceStatistics())
    if (s.space_name === 'new_space' || s.space_name === 'new_large_object_space') used += s.space_used_size;
  return used;
};
/**
 * Bytes of ArrayBuffer backing stores (those of typed arrays over 64 bytes): memory outside the V8 heap, which its
 * spaces see only as the small JS objects that point to it.
 */
const arrayBufferBytes = () => process.memoryUsage().arrayBuffers;

// Every GC, as Node reports it. A GC frees what a window allocated and so hides it: a window one overlaps is
// discarded.
const gcs: PerformanceEntry[] = [];
const gcObserver = new PerformanceObserver((list) => {
  gcs.push(...list.getEntries());
});
gcObserver.observe({ entryTypes: ['gc'] });
afterAll(() => gcObserver.disconnect());
/** Lets Node report the GCs so far: it makes their entries in an immediate after the GC and dispatches in another. */
async function flushGcEntries(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  gcs.push(...gcObserver.takeRecords());
}

const WINDOWS = 12;
const MIN_CLEAN = 3;
const MAX_STEPS = 2000;
const MIN_STEPS = 10;

/**
 * Bytes `step` allocates per call in its steady state: young-generation growth plus array-buffer growth over a
 * window of up to 2000 calls, the least over the windows no GC touched. Windows are sized by a probe to half the
 * young generation's free space, so that a step which allocates a lot still gets windows without a scavenge; after a
 * window a GC ran in, the next is halved. Throws — never passes quietly — with fewer than 3 clean windows of 12.
 */
async function bytesPerStep(step: () => void, label = step.name, { warmup = 50_000 } = {}): Promise<number> {
  for (let i = 0; i < warmup; i++) step(); // let the code reach its optimized tier

  gc();
  const probe0 = youngUsed() + arrayBufferBytes();
  for (let i = 0; i < 100; i++) step();
  const probe = Math.max(1, (youngUsed() + arrayBufferBytes() - probe0) / 100);
  gc();
  const free =
    v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_available_size ?? 0;
  let steps = Math.max(MIN_STEPS, Math.min(MAX_STEPS, Math.floor(free / 2 / probe)));

  const clean: { perStep: number; young: number; buffers: number; steps: number }[] = [];
  const discarded: { why: 'GC' | 'usage shrank'; perStep: number; steps: number }[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    gc();
    await flushGcEntries(); // gc()'s own entry, and any before it, are in before the window starts
    const young0 = youngUsed();
    const buffers0 = arrayBufferBytes();
    const start = performance.now();
    for (let i = 0; i < steps; i++) step();
    const end = performance.now();
    const young = youngUsed() - young0;
    const buffers = arrayBufferBytes() - buffers0;
    await flushGcEntries();
    const perStep = (young + buffers) / steps;
    const overlapped = gcs.some((e) => e.startTime <= end && e.startTime + e.duration >= start);
    // Usage going down means memory was freed in the window: a GC, even if Node did not report it.
    if (overlapped || young < 0 || buffers < 0) {
      discarded.push({ why: overlapped ? 'GC' : 'usage shrank', perStep, steps });
      steps = Math.max(MIN_STEPS, Math.floor(steps / 2));
    } else {
      clean.push({ perStep, young: young / steps, buffers: buffers / steps, steps });
    }
  }
  gcs.length = 0;

  const least = Math.min(...clean.map((c) => c.perStep));
  const byGc = discarded.filter((d) => d.why === 'GC').length;
  console.log(
    `${label}: ${clean.length ? `${least.toFixed(1)} bytes/step` : 'no measurement'}; ${clean.length} of ${WINDOWS} windows kept ` +
      `[${clean.map((c) => `${c.young.toFixed(0)}+${c.buffers.toFixed(0)}`).join(', ')}] (JS heap + array buffers, ` +
      `bytes/step; windows of ${[...new Set(clean.map((c) => c.steps))].join('/') || '—'} steps), ` +
      `${discarded.length} discarded${discarded.length ? ` [${discarded.map((d) => `${d.why} in ${d.steps} steps: ${d.perStep.toFixed(0)}`).join(', ')}]` : ''}`,
  );
  if (clean.length < MIN_CLEAN)
    throw new Error(
      `${label}: only ${clean.length} of ${WINDOWS} measurement windows ran without a GC (${byGc} overlapped a GC ` +
        `Node reported, ${discarded.length - byGc} saw usage shrink); need ${MIN_CLEAN}, so the measurement is inconclusive`,
    );
  return least;
}

const X = new Matrix(
  10,
  2,
  Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)),
);
const Y = new Matrix(
  10,
  1,
  Float32Array.from({ length: 10 }, (_, i) => 0.5 * Math.cos(i)),
);

/** A training step of a fresh 2-8-8-1 tanh model on the plain-SIMD kernels, and how to free the model. */
function trainer(optimizer: Optimizer): { step: () => void; dispose: () => void } {
  const model = new Sequential(
    [
      new Dense(2, 8, { activation: 'tanh' }),
      new Dense(8, 8, { activation: 'tanh' }),
      new Dense(8, 1, { activation: 'tanh' }),
    ],
    { loss: 'mse', kernels },
  );
  return { step: () => model.trainBatch(X, Y, optimizer), dispose: () => model.dispose() };
}

/** Where the planted allocations go, so that the compiler cannot drop them as unused. */
const sink: { value: unknown } = { value: undefined };

/**
 * The bound per optimizer. What remains is V8 boxing returned doubles: SGD's model is the first in this process
 * and its code stays in its best optimized state (33 bytes a step here, run after run); the later models share
 * call sites that have seen other objects, and settle at 137–153 bytes with momentum or Adam. One typed-array
 * view per step adds 200 bytes (measured below), so either bound catches it.
 */
const BOUND = { SGD: 128, Momentum: 256, Adam: 256 } as const;

describe('the JS heap', () => {
  for (const [name, make] of [
    ['SGD', () => new SGD({ learningRate: 0.01 })],
    ['Momentum', () => new Momentum({ learningRate: 0.01 })],
    ['Adam', () => new Adam({ learningRate: 0.001 })],
  ] as const) {
    it(`a training step with ${name} allocates (next to) nothing on the JS heap`, async () => {
      const { step, dispose } = trainer(make());
      try {
        expect(await bytesPerStep(step, `${name} trainBatch`)).toBeLessThan(BOUND[name]);
      } finally {
        dispose();
      }
    });
  }

  it('a training step through Dropout and Activation layers allocates (next to) nothing either', async () => {
    // Dropout draws a mask per step (inside one Rng call: no number returned per element to box).
    const model = new Sequential(
      [
        new Dense(2, 8, { activation: 'tanh' }),
        new Dropout(0.2),
        new Dense(8, 8),
        new Activation('silu'),
        new Dense(8, 1, { activation: 'tanh' }),
      ],
      { loss: 'mse', kernels },
    );
    const opt = new SGD({ learningRate: 0.01 });
    try {
      expect(
        await bytesPerStep(() => model.trainBatch(X, Y, opt), 'SGD trainBatch, Dropout + Activation'),
      ).toBeLessThan(256);
    } finally {
      model.dispose();
    }
  });

  // Planted bugs: the assertion above must fail for a step that allocates.
  it('the measurement catches a 2 KB JS array allocated per step', async () => {
    const { step, dispose } = trainer(new SGD({ learningRate: 0.01 }));
    const leaky = () => {
      step();
      sink.value = new Array(256).fill(1.5);
    };
    try {
      expect(await bytesPerStep(leaky, 'SGD trainBatch + 2 KB array')).toBeGreaterThanOrEqual(BOUND.SGD);
    } finally {
      dispose();
      sink.value = undefined;
    }
  });

  it('the measurement catches one typed-array view taken per step (the cost of caching no handle)', async () => {
    const { step, dispose } = trainer(new SGD({ learningRate: 0.01 }));
    const memory = new Float32Array(64);
    const leaky = () => {
      step();
      sink.value = memory.subarray(8, 16);
    };
    try {
      expect(await bytesPerStep(leaky, 'SGD trainBatch + one subarray view')).toBeGreaterThanOrEqual(
        BOUND.SGD,
      );
    } finally {
      dispose();
      sink.value = undefined;
    }
  });

  it('the measurement catches a 33 KB Float32Array, whose backing store is outside the JS heap', async () => {
    const { step, dispose } = trainer(new SGD({ learningRate: 0.01 }));
    const leaky = () => {
      step();
      sink.value = new Float32Array((33 * 1024) / 4);
    };
    try {
      expect(await bytesPerStep(leaky, 'SGD trainBatch + 33 KB Float32Array')).toBeGreaterThanOrEqual(
        BOUND.SGD,
      );
    } finally {
      dispose();
      sink.value = undefined;
    }
  });

  it('the measurement catches GCs in its windows, and fails rather than pass on too few clean ones', async () => {
    const { step, dispose } = trainer(new SGD({ learningRate: 0.01 }));
    let calls = 0;
    // A scavenge every 5 steps frees the 2 KB arrays inside every window, however short.
    const scavenged = () => {
      step();
      sink.value = new Array(256).fill(1.5);
      if (++calls % 5 === 0) gc({ type: 'minor' });
    };
    try {
      await expect(
        bytesPerStep(scavenged, 'SGD trainBatch + 2 KB array + a scavenge every 5 steps', { warmup: 5000 }),
      ).rejects.toThrow(
        /only 0 of 12 measurement windows ran without a GC \(12 overlapped a GC Node reported/,
      );
    } finally {
      dispose();
      sink.value = undefined;
    }
  });
});
