import { jsKernels } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import { generatePoints, splitPoints } from '../../data/datasets';
import { type Config, defaultConfig, outputUnits } from '../../state/config';
import type { InspectTarget } from '../../worker/protocol';
import { Trainer } from '../../worker/trainer';
import { seedPresets } from '../Presets';
import { chooseDerivation, derivationById, derivations, fillDerivation, valuesFor } from './build';
import { liveOf } from './live';
import { ours } from './ours';
import { fill, placeholders, renderTex, sumOfProducts, tex } from './tex';
import { numbers } from './types';

function trained(changes: Partial<Config>, epochs = 3) {
  const config = { ...defaultConfig, ...changes };
  const { train, test } = splitPoints(generatePoints(config, []), config.trainRatio, config.seed);
  const t = new Trainer(jsKernels);
  t.configure(config, train, test);
  for (let e = 0; e < epochs; e++) t.trainEpoch();
  return { t, config };
}

/** Every parameter kind at every layer: a weight and a bias, at a unit other than the first where there is one. */
function targets(config: Config): InspectTarget[] {
  const sizes = [config.features.length, ...config.hidden, outputUnits(config)];
  const out: InspectTarget[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const to = Math.min(1, (sizes[l + 1] as number) - 1);
    out.push({ kind: 'weight', layer: l, from: (sizes[l] as number) - 1, to });
    out.push({ kind: 'bias', layer: l, unit: to });
  }
  return out;
}

/** float32 products checked in float64: a few ulps of the larger operand. */
const close = (a: number, b: number) => Math.abs(a - b) <= 2e-6 * Math.max(1e-3, Math.abs(a), Math.abs(b));

describe('placeholder substitution', () => {
  it('formats live numbers as TeX: 4 significant digits, powers of ten, negatives parenthesised as factors', () => {
    expect(tex(0.731059)).toBe('0.7311');
    expect(tex(-0.0123456)).toBe('-0.01235');
    expect(tex(1)).toBe('1');
    expect(tex(2.5e-7)).toBe('2.5\\times 10^{-7}');
    expect(tex(Number.NaN)).toBe('\\text{NaN}');
    expect(fill('{{a}} - {{(y)}}', { a: 0.5, y: -1 })).toBe('0.5 - (-1)');
    expect(fill('x^{{{n}}}', { n: 3 })).toBe('x^{3}');
    expect(sumOfProducts([1, -2], [0.5, 3], 0.25)).toBe('1\\cdot 0.5 + (-2)\\cdot 3 + 0.25');
    expect(sumOfProducts([1, 2, 3, 4], [1, 1, 1, 1])).toBe('1\\cdot 1 + \\cdots + 4\\cdot 1');
  });

  it('a placeholder without a value is an error naming it', () => {
    expect(() => fill('\\frac{2}{{{N}}}', {})).toThrow('no live value for {{N}}');
  });

  it('every template of every derivation renders as TeX (KaTeX strict) with a value for each placeholder', () => {
    const all = [
      ...seedPresets,
      { id: 'ours', config: {} },
      {
        id: 'ours',
        config: { dataset: 'multi', output: 'softmax', loss: 'softmaxCrossEntropy' } as Partial<Config>,
      },
      { id: 'ours', config: { regularization: 'l1', regularizationRate: 0.01 } as Partial<Config> },
    ];
    for (const preset of all) {
      const { t, config } = trained(preset.config, 1);
      const derivation = derivationById(preset.id);
      for (const target of targets(config)) {
        const live = liveOf(config, t.inspect(target, 5));
        if (!live) throw new Error('no detail');
        const values = valuesFor(derivation, live);
        for (const section of derivation.sections)
          for (const term of section.terms) {
            if (term.when && !term.when(live)) continue;
            for (const name of placeholders(term.tex))
              expect(values, `${preset.id} ${term.id}`).toHaveProperty(name);
            const filled = fill(term.tex, values);
            // A line break `\\` that lost a backslash is a control space before an alignment point.
            expect(filled, `${preset.id} ${term.id}`).not.toMatch(/(^|[^\\])\\ &/);
            const html = renderTex(filled, { strict: true });
            expect(html).toContain('<math');
            // The slips' two forms and the $TeX$ in notes typeset too.
            for (const tex of [
              term.slip?.wrote,
              term.slip?.correct,
              ...`${term.note ?? ''}${term.slip?.note ?? ''}`.split('$').filter((_, i) => i % 2 === 1),
            ])
              if (tex) expect(renderTex(tex, { strict: true })).toContain('<math');
          }
      }
    }
  });
});

describe('the derivations against the model', () => {
  const cases: { name: string; id: string; config: Partial<Config> }[] = [
    ...seedPresets.map((p) => ({ name: p.id, id: p.id, config: p.config })),
    { name: 'ours, the default network (tanh, cross-entropy)', id: 'ours', config: {} },
    {
      name: 'ours, ReLU and mse with L2',
      id: 'ours',
      config: {
        activation: 'relu',
        loss: 'mse',
        output: 'sigmoid',
        regularization: 'l2',
        regularizationRate: 0.01,
      },
    },
    {
      name: 'ours, multi-class softmax',
      id: 'ours',
      config: { dataset: 'multi', output: 'softmax', loss: 'softmaxCrossEntropy' },
    },
    {
      // φ and φ′ with each layer's own α (an imported model's, or a link's), not the table's default.
      name: 'ours, ELU α = 0.7 then leaky ReLU α = 0.2',
      id: 'ours',
      config: { activation: 'elu', layerActivations: [null, 'leakyRelu'], alphas: [0.7, 0.2] },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: every step’s formula, evaluated on the substituted numbers, is the model’s number`, () => {
      const { t, config } = trained(c.config);
      const derivation = derivationById(c.id);
      expect(derivation.mismatch(config)).toBeNull();
      let checked = 0;
      for (const target of targets(config)) {
        for (const example of [0, 17]) {
          const inspection = t.inspect(target, example);
          const live = liveOf(config, inspection);
          if (!live) throw new Error('no detail');
          expect(live.detail.example).toBe(example);
          // The followed example's chain terms are core's row for it.
          const all = t.inspect(target, 30);
          expect(all.rows).toHaveLength(6);
          const v = numbers(valuesFor(derivation, live));
          for (const section of derivation.sections)
            for (const term of section.terms) {
              if ((term.when && !term.when(live)) || !term.check || !term.value) continue;
              const shown = v[term.value] as number;
              const formula = term.check(v, live);
              expect(
                close(formula, shown),
                `${term.id} (${JSON.stringify(target)}, example ${example}): ${formula} vs ${shown}`,
              ).toBe(true);
              checked++;
            }
          // The derivation arrives at the inspector's ∂J/∂w: the same number, and it is what the TeX shows.
          const filled = fillDerivation(derivation, live);
          const last = filled[filled.length - 1]?.terms.find((term) => term.value === inspection.gradient);
          expect(last, 'a term showing ∂J/∂w').toBeDefined();
          expect(last?.tex).toContain(tex(inspection.gradient));
        }
      }
      expect(checked).toBeGreaterThan(targets(config).length * 2 * 3);
    });
  }

  it('the live ∂a/∂z writes the layer’s own α (ELU 0.7, leaky ReLU 0.2), not the table’s default', () => {
    const { t, config } = trained({
      activation: 'elu',
      layerActivations: [null, 'leakyRelu'],
      alphas: [0.7, 0.2],
    });
    // Each layer at an example whose z is below 0, where φ′'s branch carries α: ELU's a + α, leaky ReLU's α.
    for (const [layer, branch] of [
      [0, /^(\(-.+\)|0) \+ 0\.7$/],
      [1, /^0\.2$/],
    ] as const) {
      let shown: string | null = null;
      for (let example = 0; example < 250 && shown === null; example++) {
        const live = liveOf(config, t.inspect({ kind: 'bias', layer, unit: 0 }, example));
        if (!live) throw new Error('no detail');
        if ((live.detail.layers[layer]?.z[0] as number) > 0) continue;
        const dadz = fillDerivation(ours, live)
          .flatMap((s) => s.terms)
          .find((term) => term.id === 'dadz');
        expect(dadz?.tex, `layer ${layer + 1}`).toContain(`= ${valuesFor(ours, live).dadzLive} =`);
        shown = valuesFor(ours, live).dadzLive as string;
      }
      expect(shown, `layer ${layer + 1}: an example below its kink`).not.toBeNull();
      expect(shown, `layer ${layer + 1}`).toMatch(branch);
    }
  });

  it('the substituted ∂J/∂w is the backward pass’s ∂J/∂W entry the snapshot carries', () => {
    const preset = seedPresets.find((p) => p.id === 'seed-001');
    if (!preset) throw new Error('no seed-001 preset');
    const { t, config } = trained(preset.config);
    const snap = t.snapshot(false, { steps: 0, epochs: 0 }, false);
    const target = { kind: 'weight', layer: 0, from: 1, to: 2 } as const;
    const live = liveOf(config, t.inspect(target, 3));
    if (!live) throw new Error('no detail');
    const layer = snap.layers[0];
    const dW = layer?.dW[1 * layer.units + 2] as number;
    expect(valuesFor(derivationById('seed-001'), live).grad).toBe(live.inspection.gradient);
    expect(close(live.inspection.gradient, dW)).toBe(true);
    // And the per-example ∂J/∂z is the trace's, with 1/N inside (halfSquaredError's mean).
    expect(live.detail.term.dZ).toBe(live.detail.layers[0]?.dZ[2]);
  });
});

describe('choosing a derivation', () => {
  it('each seed preset’s network is its derivation’s; a changed network falls back to ours with the reason', () => {
    for (const preset of seedPresets) {
      const config = { ...defaultConfig, ...preset.config };
      expect(chooseDerivation(preset.id, config).derivation.id).toBe(preset.id);
    }
    const seed002 = seedPresets.find((p) => p.id === 'seed-002');
    const changed = { ...defaultConfig, ...seed002?.config, hidden: [4, 2] };
    const choice = chooseDerivation('seed-002', changed);
    expect(choice.derivation).toBe(ours);
    expect(choice.mismatch).toBe('seed 002’s network has one hidden layer; this one has 2');
    expect(chooseDerivation('seed-000', defaultConfig).mismatch).toMatch(
      /single neuron; this network has 2 hidden layers/,
    );
  });

  it('each seed marks its slip (the listed ones of docs/math.md and the README)', () => {
    const slips = (id: string) =>
      derivationById(id)
        .sections.flatMap((s) => s.terms)
        .filter((t) => t.slip?.listed)
        .map((t) => t.slip?.wrote);
    expect(slips('seed-000').join()).toContain('\\sum_{i=1}^{N}');
    expect(slips('seed-001').join()).toContain('y - \\hat y');
    expect(slips('seed-002').join()).toContain('g^{[2]}');
    expect(slips('seed-003').join()).toContain('\\Theta^1_{i,:}');
    expect(derivations.map((d) => d.id)).toEqual(['ours', 'seed-000', 'seed-001', 'seed-002', 'seed-003']);
  });
});
