import {
  Activation,
  activationTable,
  Dense,
  Dropout,
  jsKernels,
  optimizerNames,
  resolveOptimizer,
  Sequential,
} from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import { kinkNote } from '../components/kinkNote';
import { featureMatrix, generatePoints, splitPoints, targetMatrix } from '../data/datasets';
import { type Config, defaultConfig, fromHash, toHash } from '../state/config';
import { buildModel, denseIndices, GRID, Trainer } from './trainer';

function trainer(changes: Partial<Config> = {}) {
  const config = { ...defaultConfig, ...changes };
  const { train, test } = splitPoints(generatePoints(config, []), config.trainRatio, config.seed);
  const t = new Trainer(jsKernels);
  t.configure(config, train, test);
  return { t, config, train, test };
}

const rates = { steps: 0, epochs: 0 };

describe('the trainer behind the worker', () => {
  it('trains the circle: loss falls and accuracy rises over epochs', () => {
    const { t } = trainer();
    const before = t.snapshot(false, { steps: 0, epochs: 0 }, false);
    for (let i = 0; i < 300; i++) t.trainEpoch();
    const after = t.snapshot(true, { steps: 0, epochs: 0 }, false);
    expect(after.epoch).toBe(300);
    expect(after.iterations).toBe(300 * 25);
    expect(after.lossTrain).toBeLessThan(before.lossTrain / 3);
    expect(after.accTest).toBeGreaterThan(0.95);
    expect(after.heatmaps?.size).toBe(GRID);
    expect(after.heatmaps?.offsets.map((l) => l.length)).toEqual([4, 2, 1]);
    expect(after.heatmaps?.data.length).toBe(7 * GRID * GRID);
  });

  it('a learning-rate change keeps the weights and the optimizer’s moments: Adam trains on as if never paused', () => {
    const a = trainer({ optimizer: 'adam', learningRate: 0.03 });
    const b = trainer({ optimizer: 'adam', learningRate: 0.03 });
    for (let i = 0; i < 5; i++) {
      a.t.trainEpoch();
      b.t.trainEpoch();
    }
    // Down and back up: had the optimizer been rebuilt, its moments and step count would start over.
    a.t.configure({ ...a.config, learningRate: 0.01 }, a.train, a.test, true);
    a.t.configure({ ...a.config, learningRate: 0.03 }, a.train, a.test, true);
    for (let i = 0; i < 5; i++) {
      a.t.trainEpoch();
      b.t.trainEpoch();
    }
    const rates = { steps: 0, epochs: 0 };
    expect(a.t.snapshot(false, rates, false).layers).toEqual(b.t.snapshot(false, rates, false).layers);
    // And the rate does change what training does.
    a.t.configure({ ...a.config, learningRate: 0.3 }, a.train, a.test, true);
    a.t.trainEpoch();
    b.t.trainEpoch();
    expect(a.t.snapshot(false, rates, false).layers).not.toEqual(b.t.snapshot(false, rates, false).layers);
  });

  it('new points with the same config (a click, an undo) are trained on, by the same model and optimizer', () => {
    const { t, config, train, test } = trainer({ optimizer: 'adam' });
    for (let i = 0; i < 3; i++) t.trainEpoch();
    const target = { kind: 'weight' as const, layer: 0, from: 0, to: 0 };
    const weight = t.inspect(target).value;
    const added = [...train, { x: 4.5, y: -4.5, label: 1 }];
    t.configure(config, added, test, true);
    // The trained weight is kept, and the set the model trains on and inspects is the new one.
    expect(t.inspect(target).value).toBe(weight);
    expect(t.inspect(target).examples).toBe(251);
    const before = t.snapshot(false, rates, false).iterations;
    t.trainEpoch();
    expect(t.snapshot(false, rates, false).iterations - before).toBe(Math.ceil(251 / config.batchSize));
    // Undo: back to the 250.
    t.configure(config, train, test, true);
    expect(t.inspect(target).examples).toBe(250);
  });

  it('the inspector’s chain of terms sums to the backward pass’s gradient, and the finite difference agrees', () => {
    const { t } = trainer({ regularization: 'l2', regularizationRate: 0.01 });
    for (let i = 0; i < 5; i++) t.trainEpoch();
    for (const target of [
      { kind: 'weight' as const, layer: 0, from: 1, to: 2 },
      { kind: 'weight' as const, layer: 2, from: 0, to: 0 },
      { kind: 'bias' as const, layer: 1, unit: 1 },
    ]) {
      const i = t.inspect(target);
      expect(i.examples).toBe(250);
      expect(Math.abs(i.sumOfProducts + i.regularization - i.gradient)).toBeLessThan(
        1e-6 * Math.max(1, Math.abs(i.gradient)),
      );
      expect(Math.abs(i.finiteDifference.value - i.gradient)).toBeLessThan(
        0.02 * Math.abs(i.gradient) + 2e-5,
      );
      for (const r of i.rows) {
        expect(r.product).toBeCloseTo(r.dZ * r.dzdw, 10);
        if (r.dadz !== null) expect(r.dZ).toBeCloseTo(r.dA * r.dadz, 6);
      }
    }
    expect(t.inspect({ kind: 'bias', layer: 0, unit: 0 }).regularization).toBe(0);
  });

  it('a traced iteration carries each layer’s intermediates and the update it made', () => {
    const { t } = trainer({ batchSize: 7 });
    const it0 = t.iterate();
    expect(it0.batch).toBe(7);
    expect(it0.layers.map((l) => [l.inputs, l.units])).toEqual([
      [2, 4],
      [4, 2],
      [2, 1],
    ]);
    const l0 = it0.layers[0]!;
    expect(l0.Z.length).toBe(7 * 4);
    // SGD: W_after = W_before − η ∂J/∂W
    for (let i = 0; i < l0.Wbefore.length; i++) {
      expect(l0.Wafter[i]).toBeCloseTo((l0.Wbefore[i] as number) - 0.03 * (l0.dW[i] as number), 6);
    }
  });

  it('edits a weight, and refuses ones that do not exist', () => {
    const { t } = trainer();
    t.setWeight(1, 3, 1, 2.5);
    expect(t.snapshot(false, { steps: 0, epochs: 0 }, false).layers[1]!.W[3 * 2 + 1]).toBe(2.5);
    expect(() => t.setWeight(1, 4, 0, 1)).toThrow('there is no weight from unit 4 to unit 0 in layer 2');
    expect(() => t.setWeight(0, 0, 0, Number.NaN)).toThrow(/not a finite number/);
  });

  it('exports the model as core JSON and imports it back, architecture included', () => {
    const a = trainer({ hidden: [5, 3], activation: 'relu' }).t;
    for (let i = 0; i < 3; i++) a.trainEpoch();
    const json = a.exportModel();
    expect(Sequential.fromJSON(json).layers.map((l) => l.outputSize)).toEqual([5, 3, 1]);
    const b = trainer().t;
    const changes = b.importModel(json);
    expect(changes).toMatchObject({
      hidden: [5, 3],
      activation: 'relu',
      output: 'sigmoid',
      loss: 'binaryCrossEntropy',
    });
    expect(b.snapshot(false, { steps: 0, epochs: 0 }, false).layers[0]!.W).toEqual(
      a.snapshot(false, { steps: 0, epochs: 0 }, false).layers[0]!.W,
    );
    const three = trainer({ features: ['x1', 'x2', 'x1x2'] }).t;
    expect(() => three.importModel(json)).toThrow('the model takes 2 inputs but 3 features are on');
    expect(() => b.importModel('{"format":"chainrule.sequential"')).toThrow(/not valid JSON/);
  });

  it('keeps the weights when only the learning rate changes, and starts over when the architecture does', () => {
    const { t, config, train, test } = trainer();
    for (let i = 0; i < 3; i++) t.trainEpoch();
    const w = t.snapshot(false, { steps: 0, epochs: 0 }, false).layers[0]!.W;
    t.configure({ ...config, learningRate: 0.1 }, train, test, true);
    expect(t.snapshot(false, { steps: 0, epochs: 0 }, false).layers[0]!.W).toEqual(w);
    expect(t.epoch).toBe(3);
    t.configure({ ...config, hidden: [3] }, train, test, true);
    expect(t.epoch).toBe(0);
  });

  it('a network with SiLU hidden layers trains the circle to over 90% test accuracy', () => {
    const { t } = trainer({ activation: 'silu', hidden: [4, 4] });
    for (let i = 0; i < 300; i++) t.trainEpoch();
    const after = t.snapshot(false, { steps: 0, epochs: 0 }, false);
    expect(after.layers.map((l) => l.activation)).toEqual(['silu', 'silu', 'sigmoid']);
    expect(after.accTest).toBeGreaterThan(0.9);
    // The inspector's ∂a/∂z is the table's derivative: ∂J/∂z = ∂J/∂a · ∂a/∂z per example.
    const i = t.inspect({ kind: 'weight', layer: 1, from: 2, to: 1 });
    expect(i.activation).toBe('silu');
    expect(Math.abs(i.sumOfProducts - i.gradient)).toBeLessThan(1e-6 * Math.max(1, Math.abs(i.gradient)));
    for (const r of i.rows) {
      expect(r.dadz).not.toBeNull();
      expect(r.dZ).toBeCloseTo(r.dA * (r.dadz as number), 6);
    }
  });

  it('every optimizer of the table trains, and a row-wise output has no single ∂a/∂z', () => {
    for (const optimizer of optimizerNames) {
      const { t } = trainer({ optimizer, learningRate: optimizer === 'adam' ? 0.03 : 0.1 });
      const before = t.snapshot(false, { steps: 0, epochs: 0 }, false).lossTrain;
      for (let i = 0; i < 20; i++) t.trainEpoch();
      expect(t.snapshot(false, { steps: 0, epochs: 0 }, false).lossTrain, optimizer).toBeLessThan(before);
    }
    const { t } = trainer({
      dataset: 'multi',
      output: 'softmax',
      loss: 'softmaxCrossEntropy',
      activation: 'elu',
    });
    t.trainEpoch();
    expect(activationTable.softmax.kind).toBe('rowwise');
    expect(t.inspect({ kind: 'bias', layer: 2, unit: 0 }).rows.every((r) => r.dadz === null)).toBe(true);
    expect(t.inspect({ kind: 'bias', layer: 0, unit: 0 }).rows.every((r) => r.dadz !== null)).toBe(true);
  });

  it('imports a model with any hidden activation the selects offer, and refuses a row-wise hidden layer', () => {
    const a = trainer({ activation: 'softplus', layerActivations: [null, 'silu'] }).t;
    const changes = trainer().t.importModel(a.exportModel());
    expect(changes).toMatchObject({ activation: 'softplus', layerActivations: [null, 'silu'] });
    const softmaxHidden = new Sequential(
      [new Dense(2, 3, { activation: 'softmax' }), new Dense(3, 1, { activation: 'sigmoid' })],
      { loss: 'binaryCrossEntropy', kernels: jsKernels },
    );
    expect(() => trainer().t.importModel(JSON.stringify(softmaxHidden.toJSON()))).toThrow(
      /the model has a softmax hidden layer; the playground's hidden layers take linear, sigmoid, tanh/,
    );
  });

  it('keeps each activation’s α through an import: an ELU α = 0.7 model trains on and exports as α = 0.7', () => {
    // A model made elsewhere (core alone): ELU α 0.7, leaky ReLU α 0.2, and a leaky ReLU output with α 0.05.
    const made = new Sequential(
      [
        new Dense(2, 3, { activation: { name: 'elu', alpha: 0.7 } }),
        new Dense(3, 2, { activation: { name: 'leakyRelu', alpha: 0.2 } }),
        new Dense(2, 1, { activation: { name: 'leakyRelu', alpha: 0.05 } }),
      ],
      { loss: 'mse', kernels: jsKernels, seed: 3 },
    );
    const regression = {
      dataset: 'reg-plane',
      problem: 'regression',
      output: 'linear',
      loss: 'mse',
    } as const;
    const { t, config, train } = trainer(regression);
    const changes = t.importModel(JSON.stringify(made.toJSON()));
    expect(changes).toMatchObject({
      activation: 'elu',
      layerActivations: [null, 'leakyRelu'],
      alphas: [0.7, 0.2],
      output: 'leakyRelu',
      outputAlpha: 0.05,
    });
    // The trainer's model is the imported one, α and all: the same predictions as the model itself.
    const X = featureMatrix(train, config.features);
    const exported = Sequential.fromJSON(t.exportModel());
    expect(exported.layers.map((l) => l.activation)).toEqual([
      { name: 'elu', alpha: 0.7 },
      { name: 'leakyRelu', alpha: expect.closeTo(0.2, 12) },
      { name: 'leakyRelu', alpha: expect.closeTo(0.05, 12) },
    ]);
    expect(exported.predict(X).data).toEqual(made.predict(X).data);
    // Rebuilt from the config alone (what a link or a reload does), the model has the same activations.
    const rebuilt = buildModel({ ...config, ...changes }, 2, jsKernels);
    expect(rebuilt.layers.map((l) => l.activation)).toEqual(exported.layers.map((l) => l.activation));
    // And the link carries the α: read back, the same config.
    const { config: linked, notice } = fromHash(toHash({ ...config, ...changes } as Config));
    expect(notice).toBeNull();
    expect(linked).toEqual({ ...config, ...changes });
    // The default α stays out of the config: a leaky ReLU at 0.01 imports as no α at all.
    const plain = new Sequential(
      [new Dense(2, 3, { activation: 'leakyRelu' }), new Dense(3, 1, { activation: 'linear' })],
      { loss: 'mse', kernels: jsKernels },
    );
    expect(trainer(regression).t.importModel(JSON.stringify(plain.toJSON()))).toMatchObject({
      alphas: [],
      outputAlpha: null,
    });
    for (const m of [made, exported, rebuilt, plain]) m.dispose();
  });

  it('a model import must fit the problem type of the data', () => {
    const multi = { dataset: 'multi', output: 'softmax', loss: 'softmaxCrossEntropy' } as const;
    const three = trainer(multi).t.exportModel();
    expect(() => trainer().t.importModel(three)).toThrow(
      'the model has 3 outputs but the binary problem needs 1; choose the multi-class problem type first',
    );
    expect(() =>
      trainer({ dataset: 'custom', problem: 'regression', output: 'linear', loss: 'mse' }).t.importModel(
        three,
      ),
    ).toThrow(/the regression problem needs 1/);
    expect(() => trainer(multi).t.importModel(trainer().t.exportModel())).toThrow(
      'the model has 1 output but the multi-class problem needs 3; choose the binary or regression problem type first',
    );
    expect(trainer({ ...multi, dataset: 'custom', problem: 'multi' }).t.importModel(three)).toMatchObject({
      output: 'softmax',
    });
  });

  it('an epoch is core’s trainEpoch: the same weights as the model trained by core alone', () => {
    const { t, config, train } = trainer({ optimizer: 'momentum', batchSize: 7 });
    const model = buildModel(config, 2, jsKernels);
    const optimizer = resolveOptimizer({ name: 'momentum', learningRate: config.learningRate });
    const X = featureMatrix(train, config.features);
    const Y = targetMatrix(train, config);
    for (let e = 0; e < 4; e++) {
      expect(t.trainEpoch()).toBe(Math.ceil(250 / 7));
      model.trainEpoch(X, Y, { optimizer, batchSize: 7 });
    }
    const snapshot = t.snapshot(false, rates, false);
    expect(snapshot.epoch).toBe(4);
    expect(snapshot.iterations).toBe(4 * 36);
    expect(snapshot.layers.map((l) => l.W)).toEqual(model.getWeights().map((w) => w.W.data));
    model.dispose();
    optimizer.dispose();
  });

  it('the step-through’s batches are core’s epoch loop (model.epoch, traced), the one play runs', () => {
    const { t, config, train } = trainer({ seed: 7, batchSize: 10, optimizer: 'adam', learningRate: 0.03 });
    // Core alone, from the same model and optimizer: an epoch of 25 batches, each one traced.
    const model = buildModel(config, 2, jsKernels);
    const optimizer = resolveOptimizer({ name: 'adam', learningRate: config.learningRate });
    const X = featureMatrix(train, config.features);
    const Y = targetMatrix(train, config);
    let run = model.epoch(X, Y, { optimizer, batchSize: 10 });
    for (let b = 0; b < 25; b++) {
      const step = t.iterate();
      const core = run.traced();
      expect(step.X).toEqual(core.x.data);
      expect(step.Y).toEqual(core.y.data);
      expect(step.loss).toBe(core.loss);
      expect(step.layers.map((l) => l.dW)).toEqual(core.grads.map((g) => g.W.data));
      // Z of the first layer for the batch's first row: from the weights before the update.
      const l = step.layers[0]!;
      for (let u = 0; u < l.units; u++) {
        let z = l.bBefore[u] as number;
        for (let f = 0; f < l.inputs; f++)
          z += (step.X[f] as number) * (l.Wbefore[f * l.units + u] as number);
        expect(l.Z[u]).toBeCloseTo(z, 5);
      }
    }
    expect(run.done).toBe(true);
    expect([t.epoch, t.iterations]).toEqual([1, 25]);
    // The next iteration starts the next epoch, reshuffled: its batch is core's next epoch's first.
    run = model.epoch(X, Y, { optimizer, batchSize: 10 });
    const next = t.iterate();
    expect(next.X).toEqual(run.traced().x.data);
    expect([t.epoch, t.iterations]).toEqual([1, 26]);
    model.dispose();
    optimizer.dispose();
  });

  it('play after a few steps finishes the epoch they began: the weights of whole epochs trained by core', () => {
    const { t, config, train } = trainer({ batchSize: 10, optimizer: 'momentum' });
    const model = buildModel(config, 2, jsKernels);
    const optimizer = resolveOptimizer({ name: 'momentum', learningRate: config.learningRate });
    const X = featureMatrix(train, config.features);
    const Y = targetMatrix(train, config);
    for (let i = 0; i < 7; i++) t.iterate();
    expect([t.epoch, t.iterations]).toEqual([0, 7]);
    // Play's first epoch is the rest of the stepped one: 18 updates, then whole epochs again.
    expect(t.trainEpoch()).toBe(18);
    expect([t.epoch, t.iterations]).toEqual([1, 25]);
    expect(t.trainEpoch()).toBe(25);
    expect([t.epoch, t.iterations]).toEqual([2, 50]);
    for (let e = 0; e < 2; e++) model.trainEpoch(X, Y, { optimizer, batchSize: 10 });
    expect(t.snapshot(false, rates, false).layers.map((l) => l.W)).toEqual(
      model.getWeights().map((w) => w.W.data),
    );
    // A new model (reset) starts a new epoch: a step then is the first of 25 again.
    for (let i = 0; i < 3; i++) t.iterate();
    t.reset();
    t.iterate();
    expect([t.epoch, t.iterations]).toEqual([0, 1]);
    expect(t.trainEpoch()).toBe(24);
    model.dispose();
    optimizer.dispose();
  });

  it('a ReLU unit one example has just switched off: the inspector finds the kink, and its difference agrees', () => {
    const { t, config, train } = trainer({ activation: 'relu' });
    for (let i = 0; i < 20; i++) t.trainEpoch();
    const X = featureMatrix(train, config.features);
    // The example farthest out along x1, and hidden unit 2 (on for it, z ≈ 0.69): move w(x1 → 2) so that this
    // example's z is −3·10⁻⁴·|x1|, within ε = 10⁻³ of the kink along w, but not at it.
    let n = 0;
    for (let r = 1; r < X.rows; r++) if (Math.abs(X.get(r, 0)) > Math.abs(X.get(n, 0))) n = r;
    const u = 2;
    const [x1, x2] = [X.get(n, 0), X.get(n, 1)];
    const L0 = t.snapshot(false, rates, false).layers[0]!;
    const z = x1 * (L0.W[u] as number) + x2 * (L0.W[4 + u] as number) + (L0.b[u] as number);
    expect(z).toBeGreaterThan(0);
    t.setWeight(0, 0, u, (L0.W[u] as number) + (-3e-4 * Math.abs(x1) - z) / x1);

    const i = t.inspect({ kind: 'weight', layer: 0, from: 0, to: u });
    const fd = i.finiteDifference;
    expect(i.activation).toBe('relu');
    expect(fd.kinks).toBeGreaterThanOrEqual(1);
    expect(fd.reliable).toBe(true);
    expect(fd.epsilon).toBeLessThan(1e-3);
    expect(Math.abs(fd.value - i.gradient)).toBeLessThan(2e-3 * Math.abs(i.gradient));
    // The old inspector's plain ε = 10⁻³ steps over the kink and misses by far more.
    const lossAt = (w: number) => {
      t.setWeight(0, 0, u, w);
      return t.snapshot(false, rates, false).lossTrain;
    };
    const naive = (lossAt(i.value + 1e-3) - lossAt(i.value - 1e-3)) / 2e-3;
    expect(Math.abs(naive - i.gradient)).toBeGreaterThan(10 * Math.abs(fd.value - i.gradient));
    // A tanh unit has no kink: the full ε, nothing flagged.
    const smooth = trainer().t.inspect({ kind: 'weight', layer: 0, from: 0, to: 0 }).finiteDifference;
    expect(smooth).toMatchObject({ epsilon: 1e-3, kinks: 0, reliable: true });
  });

  it('a later layer’s z the step moves across 0: named as the page’s layer (past a Dropout), with its activation', () => {
    // Model layers: Dense, Dropout, Dense, Dense; the page's layer 1 (0-based) is the model's layer 2.
    const { t } = trainer({ activation: 'relu', hidden: [4, 2], dropout: [0.3] });
    for (let i = 0; i < 5; i++) t.trainEpoch();
    // A weight w(x₁ → u) of the first layer with no kink of its own near, and an example n that unit u is on for.
    let found: { u: number; n: number; rate: number } | null = null;
    for (let u = 0; u < 4 && !found; u++) {
      const own = t.inspect({ kind: 'weight', layer: 0, from: 0, to: u }).finiteDifference;
      if (own.kinks > 0 || own.laterKinks !== 0) continue;
      for (let n = 0; n < 50 && !found; n++) {
        const d = t.inspect({ kind: 'weight', layer: 0, from: 0, to: u }, n).detail!;
        const W1 = d.weights[1]!;
        // ∂z/∂w of the next layer's unit 0 at this example: W¹[u][0]·φ′(z⁰_u)·x₁.
        const rate =
          (d.layers[0]!.z[u] as number) > 0 ? (W1.W[u * W1.units] as number) * (d.x[0] as number) : 0;
        if (Math.abs(rate) > 0.05) found = { u, n, rate };
      }
    }
    if (!found) throw new Error('no unit and example to build a later kink with');
    const { u, n, rate } = found;
    // Put that example's z in layer 2, unit 1, a quarter of the first step's reach above 0 (by its bias).
    const d = t.inspect({ kind: 'weight', layer: 0, from: 0, to: u }, n).detail!;
    const z = d.layers[1]!.z[0] as number;
    t.setBias(1, 0, (d.weights[1]!.b[0] as number) - z + 0.25 * Math.abs(rate) * 1e-3);
    const i = t.inspect({ kind: 'weight', layer: 0, from: 0, to: u });
    const fd = i.finiteDifference;
    expect(fd.kinks).toBe(0);
    expect(fd.laterKinks).toBeGreaterThanOrEqual(1);
    expect(fd.laterKinkLayers).toEqual([{ layer: 1, activation: 'relu' }]);
    expect(fd.reliable).toBe(true);
    expect(fd.epsilon).toBeLessThan(1e-3);
    expect(Math.abs(fd.value - i.gradient)).toBeLessThan(0.02 * Math.abs(i.gradient) + 2e-5);
    expect(kinkNote(i, 'none', true)).toMatch(
      /^The first ε tried moved z in layer 2 \(ReLU\) across 0 for \d+ examples?: ε reduced to [\d.e-]+ to step clear of it\.$/,
    );
  });

  it('dropout 0.3 on the first hidden layer: a Dropout after its Dense, the circle to > 85%, Dense layers addressed', () => {
    const { config } = trainer({ dropout: [0.3] });
    const model = buildModel(config, 2, jsKernels);
    expect(model.layers.map((l) => l.type)).toEqual(['dense', 'dropout', 'dense', 'dense']);
    expect((model.layers[1] as Dropout).rate).toBe(0.3);
    expect(denseIndices(model)).toEqual([0, 2, 3]);
    model.dispose();

    const { t } = trainer({ dropout: [0.3] });
    for (let i = 0; i < 300; i++) t.trainEpoch();
    const s = t.snapshot(true, rates, false);
    expect(s.accTest).toBeGreaterThan(0.85);
    // Snapshots, heatmaps, the inspector, weight edits and the step-through all count Dense layers only.
    expect(s.layers.map((l) => [l.inputs, l.units, l.activation])).toEqual([
      [2, 4, 'tanh'],
      [4, 2, 'tanh'],
      [2, 1, 'sigmoid'],
    ]);
    expect(s.heatmaps?.offsets.map((o) => o.length)).toEqual([4, 2, 1]);
    for (const [layer, from, to] of [
      [1, 3, 1],
      [2, 1, 0],
      [0, 1, 2],
    ] as const) {
      const i = t.inspect({ kind: 'weight', layer, from, to });
      const L = s.layers[layer]!;
      expect(i.value).toBe(L.W[from * L.units + to]);
      expect(i.gradient).toBe(L.dW[from * L.units + to]);
      expect(Math.abs(i.finiteDifference.value - i.gradient)).toBeLessThan(
        0.02 * Math.abs(i.gradient) + 2e-5,
      );
    }
    t.setWeight(1, 3, 1, 0.25);
    expect(t.snapshot(false, rates, false).layers[1]!.W[3 * 2 + 1]).toBe(0.25);
    expect(t.inspect({ kind: 'weight', layer: 1, from: 3, to: 1 }).value).toBe(0.25);

    const it0 = t.iterate();
    expect(it0.layers.map((l) => [l.inputs, l.units, l.dropout?.rate ?? 0])).toEqual([
      [2, 4, 0.3],
      [4, 2, 0],
      [2, 1, 0],
    ]);
    // The Dropout's output: each of the first layer's outputs dropped (0) or kept and scaled by 1/(1 − 0.3).
    const { A } = it0.layers[0]!;
    const dropped = it0.layers[0]!.dropout!.A;
    let zeros = 0;
    for (let k = 0; k < A.length; k++) {
      if (dropped[k] === 0 && A[k] !== 0) zeros++;
      else expect(dropped[k]).toBeCloseTo((A[k] as number) / 0.7, 5);
    }
    expect(zeros).toBeGreaterThan(0);
    expect(zeros).toBeLessThan(A.length);
    // The update used exactly the traced pass, masks included: W_after = W_before − η·∂J/∂W in every layer.
    expect(config.optimizer).toBe('sgd');
    for (const l of it0.layers) {
      for (let i = 0; i < l.Wbefore.length; i++)
        expect(l.Wafter[i]).toBeCloseTo(
          (l.Wbefore[i] as number) - config.learningRate * (l.dW[i] as number),
          6,
        );
    }
  });

  it('a dropout change keeps the trained weights; export and import carry the dropout', () => {
    const { t, config, train, test } = trainer({ hidden: [5, 3] });
    for (let i = 0; i < 3; i++) t.trainEpoch();
    const before = t.snapshot(false, rates, false).layers.map((l) => l.W);
    t.configure({ ...config, dropout: [0, 0.2] }, train, test, true);
    expect(t.epoch).toBe(3);
    expect(t.snapshot(false, rates, false).layers.map((l) => l.W)).toEqual(before);
    for (let i = 0; i < 3; i++) t.trainEpoch();

    const json = t.exportModel();
    const parsed = JSON.parse(json) as { layers: { type: string; rate?: number }[] };
    expect(parsed.layers.map((l) => l.type)).toEqual(['dense', 'dense', 'dropout', 'dense']);
    expect(parsed.layers[2]?.rate).toBe(0.2);
    const b = trainer().t;
    expect(b.importModel(json)).toMatchObject({ hidden: [5, 3], dropout: [0, 0.2] });
    expect(b.snapshot(false, rates, false).layers.map((l) => l.W)).toEqual(
      t.snapshot(false, rates, false).layers.map((l) => l.W),
    );
    expect(b.iterate().layers.map((l) => l.dropout?.rate ?? 0)).toEqual([0, 0.2, 0]);
    // Layers the playground does not build are refused by name.
    const activationLayer = new Sequential(
      [
        new Dense(2, 3, { activation: 'linear' }),
        new Activation('relu'),
        new Dense(3, 1, { activation: 'sigmoid' }),
      ],
      { loss: 'binaryCrossEntropy', kernels: jsKernels },
    );
    expect(() => b.importModel(JSON.stringify(activationLayer.toJSON()))).toThrow(
      "the model has a layer of type 'activation' ('activation_2') at position 2",
    );
    const leadingDropout = new Sequential(
      [new Dropout(0.5, { size: 2 }), new Dense(2, 1, { activation: 'sigmoid' })],
      {
        loss: 'binaryCrossEntropy',
        kernels: jsKernels,
      },
    );
    expect(() => b.importModel(JSON.stringify(leadingDropout.toJSON()))).toThrow(
      /type 'dropout' \('dropout_1'\) at position 1/,
    );
  });
});
