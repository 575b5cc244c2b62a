import { describe, expect, it } from 'vitest';
import {
  Adam,
  activationNames,
  activationTable,
  ChainruleError,
  Dense,
  lossKindCodes,
  lossKinds,
  lossKindTable,
  lossNames,
  lossTable,
  type Momentum,
  mlp,
  optimizerNames,
  resolveActivation,
  resolveLoss,
  resolveOptimizer,
  Sequential,
  SGD,
} from '../src/index.js';

describe('one table per concept', () => {
  it('activation kernel codes are unique integers, and every entry resolves by name', () => {
    const codes = activationNames.map((n) => activationTable[n].kernelCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(Number.isInteger(c) && c >= 0).toBe(true);
    for (const name of activationNames) expect(resolveActivation(name).name).toBe(name);
    expect(activationNames).toEqual(expect.arrayContaining(['elu', 'softplus', 'silu']));
  });

  it('an activation parameter is validated against its entry’s range', () => {
    expect(resolveActivation({ name: 'elu', alpha: 0.5 }).alpha).toBe(0.5);
    expect(resolveActivation('elu').alpha).toBe(1);
    expect(() => resolveActivation({ name: 'elu', alpha: 0 })).toThrow(
      'elu alpha must be in (0, 100], got 0',
    );
    expect(() => resolveActivation({ name: 'leakyRelu', alpha: 1 })).toThrow(
      'leakyRelu alpha must be in [0, 1)',
    );
    expect(resolveActivation({ name: 'relu', alpha: 3 } as never).alpha).toBe(0); // no parameter: ignored
  });

  it('the default initializer comes from the activation’s entry', () => {
    // Same seed, same shapes: He and Glorot draw from different ranges, so the weights differ.
    const weights = (activation: 'silu' | 'softplus') =>
      new Sequential([new Dense(50, 50, { activation })], { loss: 'mse', seed: 3 }).getWeights()[0]?.W.data ??
      [];
    const spread = (w: ArrayLike<number>) => Math.max(...Array.from(w, Math.abs));
    expect(activationTable.silu.defaultInit).toBe('heUniform');
    expect(activationTable.softplus.defaultInit).toBe('glorotUniform');
    expect(spread(weights('silu'))).toBeGreaterThan(spread(weights('softplus')));
  });

  it('losses: every name resolves to its own loss; fused ones name their output activation', () => {
    for (const name of lossNames) {
      const loss = resolveLoss(name);
      expect(loss.name).toBe(name);
      expect(loss.fusedActivation).toBe(lossTable[name].fusedActivation);
    }
    expect(new Set(Object.values(lossKindCodes)).size).toBe(lossKinds.length);
  });

  it('each loss kind’s gradient is the derivative of its value (central differences in float64)', () => {
    const h = 1e-6;
    const rel = (g: number, fd: number) => Math.abs(g - fd) / Math.max(1e-3, Math.abs(fd));
    for (const kind of lossKinds) {
      const e = lossKindTable[kind];
      if (e.kind === 'elementwise') {
        // The kernel's loop against values worked out by hand (scale 0.5 on the gradient): (p − y)² and 2(p − y);
        // max(z, 0) − zy + log(1 + e^−|z|) and σ(z) − y.
        const P = Float32Array.from([-1.5, 0.25, 2]);
        const squared = kind === 'squaredError';
        const Y = Float32Array.from(squared ? [0.5, -1, 2] : [1, 0, 1]);
        const G = new Float32Array(3);
        expect(e.sum(P, Y, G, 1, 3, 0.5)).toBeCloseTo(squared ? 5.5625 : 2.654280708904569, 12);
        const want = squared
          ? [-2, 1.25, 0]
          : [-0.40878725051879883, 0.281088262796402, -0.05960145965218544];
        expect(Array.from(G)).toEqual(want);
        for (const y of kind === 'squaredError' ? [-1.5, 0, 2] : [0, 1, 0.3]) {
          for (const p of [-3, -0.4, 0.1, 2.5]) {
            const fd = (e.value(p + h, y) - e.value(p - h, y)) / (2 * h);
            expect(rel(e.gradient(p, y), fd), `${kind} p=${p} y=${y}`).toBeLessThan(1e-6);
          }
        }
      } else {
        const n = 4;
        const y = Float32Array.from([0, 1, 0, 0]);
        const value = (z: Float32Array) => e.sum(z, y, new Float32Array(n), 1, n, 1);
        const z0 = Float32Array.from([0.5, -1, 2, 0.25]);
        const g = new Float32Array(n);
        e.sum(z0, y, g, 1, n, 1);
        for (let j = 0; j < n; j++) {
          // float32 inputs: a step of 1/64 is exact, and the central difference's error is O(h²).
          const step = 1 / 64;
          const up = Float32Array.from(z0);
          const down = Float32Array.from(z0);
          up[j] = (up[j] as number) + step;
          down[j] = (down[j] as number) - step;
          const fd = (value(up) - value(down)) / (2 * step);
          expect(rel(g[j] as number, fd), `${kind} j=${j}`).toBeLessThan(2e-4);
        }
      }
    }
  });

  it('a fused loss kind’s ∂ℓ/∂a chained through its activation is its ∂ℓ/∂z', () => {
    // sigmoid: ∂ℓ/∂a · σ′ = σ − y; the trace's ∂J/∂A comes from this entry.
    const sce = lossKindTable.sigmoidCrossEntropy;
    for (const [z, y] of [
      [0.3, 1],
      [-1.2, 0],
      [2, 0.5],
    ] as const) {
      const a = 1 / (1 + Math.exp(-z));
      expect(sce.outputGradient?.(a, y) ?? Number.NaN).toBeCloseTo(
        (sce.kind === 'elementwise' ? sce.gradient(z, y) : Number.NaN) / (a * (1 - a)),
        10,
      );
    }
  });

  it("resolveOptimizer takes 'adam' as well as { name: 'adam' } and an instance, with the table's defaults", () => {
    const a = resolveOptimizer('adam');
    expect(a).toBeInstanceOf(Adam);
    expect(a.learningRate).toBe(0.001);
    expect(resolveOptimizer('sgd')).toBeInstanceOf(SGD);
    expect(resolveOptimizer({ name: 'momentum' }).learningRate).toBe(0.01);
    const m = resolveOptimizer({ name: 'momentum', learningRate: 0.2, momentum: 0.5 }) as Momentum;
    expect([m.learningRate, m.momentum]).toEqual([0.2, 0.5]);
    const mine = new SGD({ learningRate: 0.3 });
    expect(resolveOptimizer(mine)).toBe(mine);
    let err: unknown;
    try {
      resolveOptimizer('adamw' as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ChainruleError);
    expect((err as ChainruleError).message).toBe(
      `unknown optimizer "adamw"; expected ${optimizerNames.join(', ')} (a name, { name, learningRate, … }, or an Optimizer)`,
    );
  });

  it("fit accepts an optimizer by name: 'adam' trains XOR", async () => {
    const model = new Sequential(
      [new Dense(2, 8, { activation: 'tanh' }), new Dense(8, 1, { activation: 'sigmoid' })],
      {
        loss: 'binaryCrossEntropy',
        seed: 2,
      },
    );
    const X = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const Y = [[0], [1], [1], [0]];
    const before = model.evaluate(X, Y).loss;
    await model.fit(X, Y, { epochs: 300, batchSize: 4, optimizer: { name: 'adam', learningRate: 0.05 } });
    expect(model.evaluate(X, Y).loss).toBeLessThan(before / 5);
    // 'adam' by name is Adam with its defaults: the same run as with the instance.
    const twin = Sequential.fromJSON(model.toJSON());
    await model.fit(X, Y, { epochs: 3, batchSize: 4, optimizer: 'adam' });
    await twin.fit(X, Y, { epochs: 3, batchSize: 4, optimizer: new Adam() });
    expect(model.getWeights()).toEqual(twin.getWeights());
  });
});

describe('mlp', () => {
  it('builds [inputs, hidden…, outputs] with the loss’s output activation, and validates sizes', () => {
    const m = mlp([2, 8, 8, 3], { loss: 'softmaxCrossEntropy', activation: 'tanh', seed: 4 });
    expect(m.layers.map((l) => [l.inputSize, l.outputSize, l.activation.name])).toEqual([
      [2, 8, 'tanh'],
      [8, 8, 'tanh'],
      [8, 3, 'softmax'],
    ]);
    expect(m.seed).toBe(4);
    expect(mlp([3, 1], { loss: 'mse' }).layers[0]?.activation.name).toBe('linear');
    expect(mlp([3, 4, 1], { loss: 'mse' }).layers[0]?.activation.name).toBe('relu');
    expect(() => mlp([3], { loss: 'mse' })).toThrow(/sizes must be \[inputs, …hidden, outputs\]/);
    expect(() => mlp([3, 0, 1], { loss: 'mse' })).toThrow(/sizes\[1\]/);
  });

  it('takes an activation and a dropout rate per hidden layer, and checks their counts', () => {
    const m = mlp([2, 4, 3, 1], {
      loss: 'binaryCrossEntropy',
      activation: ['silu', 'tanh'],
      dropout: [0.2, 0],
    });
    expect(m.layers.map((l) => [l.type, l.activation.name])).toEqual([
      ['dense', 'silu'],
      ['dropout', 'linear'],
      ['dense', 'tanh'],
      ['dense', 'sigmoid'],
    ]);
    expect(mlp([2, 4, 3, 1], { loss: 'mse', dropout: 0.1 }).layers.map((l) => l.type)).toEqual([
      'dense',
      'dropout',
      'dense',
      'dropout',
      'dense',
    ]);
    expect(() => mlp([2, 4, 1], { loss: 'mse', dropout: -0.5 })).toThrow(/rate/);
    expect(() => mlp([2, 4, 1], { loss: 'mse', dropout: Number.NaN })).toThrow(/rate/);
    expect(() => mlp([2, 4, 1], { loss: 'mse', activation: ['tanh', 'relu'] })).toThrow(
      'mlp: activation has 2 entries for 1 hidden layer',
    );
  });
});
