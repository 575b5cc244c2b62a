import { type ActivationName, activationTable, lossTable, type ResolvedActivation } from '@chainrule/core';
import { activationAt, at, type Live, weight } from './live';
import type { Derivation } from './types';

/**
 * φ(z) and φ′(z, a) as the model computes them (core's table), for the checks: with the layer's α when given a
 * resolved activation (`activationAt`), else the table's default.
 */
export function phi(act: ActivationName | ResolvedActivation, z: number): number {
  const [e, alpha] = entryOf(act);
  return e.kind === 'elementwise' ? e.output(z, alpha) : Number.NaN;
}
export function dphi(act: ActivationName | ResolvedActivation, z: number, a: number): number {
  const [e, alpha] = entryOf(act);
  return e.kind === 'elementwise' ? e.derivative(z, a, alpha) : Number.NaN;
}

function entryOf(act: ActivationName | ResolvedActivation) {
  const e = activationTable[typeof act === 'string' ? act : act.name];
  return [e, typeof act === 'string' ? (e.alpha?.default ?? 0) : act.alpha] as const;
}

/** Σ_j W[j][k]·input_j + b_k, from the example's numbers: z as the forward pass defines it. */
export function zOf(live: Live): number {
  const w = live.detail.weights[live.layer];
  if (!w) return Number.NaN;
  let s = w.b[live.unit] as number;
  live.detail.input.forEach((x, j) => {
    s += weight(live, live.layer, j, live.unit) * x;
  });
  return s;
}

/** Σ_m W^{l+1}[k][m]·∂J/∂Z^{l+1}_m: ∂J/∂a of a hidden unit, from the example's numbers. */
export function backSum(live: Live): number {
  const next = at(live, live.layer + 1);
  return next.dZ.reduce((s, dz, m) => s + weight(live, live.layer + 1, live.unit, m) * dz, 0);
}

export const loss = (live: Live) => live.config.loss;

/** ∂J/∂a of an output unit for the network's loss (docs/math.md §3), from a, y, N and K: the checks' formula. */
export function outputDa(live: Live, a: number, y: number): number {
  const N = live.inspection.examples;
  const K = live.outputs;
  switch (live.config.loss) {
    case 'mse':
      return (2 / (N * K)) * (a - y);
    case 'halfSquaredError':
      return (a - y) / N;
    case 'binaryCrossEntropy':
      return a === y ? 0 : (a - y) / (N * K * a * (1 - a));
    case 'softmaxCrossEntropy':
      return y === 0 ? 0 : -y / (N * a);
  }
}
/** At the output, a loss fused with its activation (core's `lossTable[loss].fusedActivation`) gives ∂J/∂z directly. */
const fused = (live: Live) => live.isOutput && lossTable[live.config.loss].fusedActivation !== undefined;
const elementwise = (live: Live) => live.detail.term.dadz !== null;

const Z = 'Z^{{{l1}}}_{{{n1}},{{k1}}}';
const A = 'A^{{{l1}}}_{{{n1}},{{k1}}}';
const W = 'W^{{{l1}}}_{{{j1}},{{k1}}}';
const dJ = (x: string) => `\\frac{\\partial J}{\\partial ${x}}`;

/**
 * The backward pass of the current network in chainrule's notation (docs/math.md §1–§4): rows are examples,
 * Wˡ is inputs×units, and the selected parameter's gradient is the chain ∂J/∂A · ∂A/∂Z · ∂Z/∂W summed over the
 * batch.
 */
export const ours: Derivation = {
  id: 'ours',
  label: 'This network',
  title: 'The backward pass of this network (docs/math.md §4)',
  notation:
    'Rows are examples: X = A⁰ is N×d, Zˡ = Aˡ⁻¹·Wˡ + bˡ with Wˡ inputs×units, Aˡ = φ(Zˡ). n is the example, k the unit, j its input.',
  mismatch: () => null,
  defaultTarget: (config) => ({ kind: 'weight', layer: config.hidden.length, from: 0, to: 0 }),
  values: (live) => ({ lnext: live.layer + 2 }),
  sections: [
    {
      title: 'Forward, at example n',
      terms: [
        {
          id: 'z',
          title: 'The weighted sum',
          tex: `\\begin{aligned}${Z} &= \\sum_j A^{{{lprev}}}_{{{n1}},j}\\,W^{{{l1}}}_{j,{{k1}}} + b^{{{l1}}}_{{{k1}}}\\\\ &= {{zExpand}}\\\\ &= {{z}}\\end{aligned}`,
          value: 'z',
          at: 'incoming',
          check: (_v, live) => zOf(live),
        },
        {
          id: 'a',
          title: 'The activation',
          tex: `${A} = \\varphi(${Z}) = {{phiLive}} = {{a}}`,
          value: 'a',
          at: 'unit',
          when: elementwise,
          check: (v, live) => phi(activationAt(live), v.z as number),
        },
      ],
    },
    {
      title: 'Backward: the chain rule, at example n',
      terms: [
        {
          id: 'dJda',
          title: '∂J/∂a — the loss (mean squared error)',
          tex: `${dJ(A)} = \\frac{2}{NK}(a - y) = \\frac{2}{{{N}}\\cdot{{K}}}\\,({{a}} - {{(y)}}) = {{dA}}`,
          value: 'dA',
          at: 'output',
          when: (l) => l.isOutput && loss(l) === 'mse',
          check: (v, live) => outputDa(live, v.a as number, v.y as number),
        },
        {
          id: 'dJda',
          title: '∂J/∂a — the loss (half squared error)',
          tex: `${dJ(A)} = \\frac{1}{N}(a - y) = \\frac{1}{{{N}}}\\,({{a}} - {{(y)}}) = {{dA}}`,
          value: 'dA',
          at: 'output',
          when: (l) => l.isOutput && loss(l) === 'halfSquaredError',
          check: (v, live) => outputDa(live, v.a as number, v.y as number),
        },
        {
          id: 'dJda',
          title: '∂J/∂a — the loss (binary cross-entropy)',
          tex: `${dJ(A)} = \\frac{1}{NK}\\,\\frac{a - y}{a(1 - a)} = \\frac{1}{{{N}}\\cdot{{K}}}\\,\\frac{{{a}} - {{(y)}}}{{{a}}\\,(1 - {{a}})} = {{dA}}`,
          value: 'dA',
          at: 'output',
          when: (l) => l.isOutput && loss(l) === 'binaryCrossEntropy',
          check: (v, live) => outputDa(live, v.a as number, v.y as number),
        },
        {
          id: 'dJda',
          title: '∂J/∂a — the loss (softmax cross-entropy)',
          tex: `${dJ(A)} = -\\frac{1}{N}\\,\\frac{y}{a} = -\\frac{1}{{{N}}}\\,\\frac{{{y}}}{{{a}}} = {{dA}}`,
          value: 'dA',
          at: 'output',
          when: (l) => l.isOutput && loss(l) === 'softmaxCrossEntropy',
          check: (v, live) => outputDa(live, v.a as number, v.y as number),
        },
        {
          id: 'dJda',
          title: '∂J/∂a — from every unit it feeds in the next layer',
          tex: `\\begin{aligned}${dJ(A)} &= \\sum_m \\frac{\\partial J}{\\partial Z^{{{lnext}}}_{{{n1}},m}}\\,W^{{{lnext}}}_{{{k1}},m}\\\\ &= {{backExpand}}\\\\ &= {{dA}}\\end{aligned}`,
          value: 'dA',
          at: 'outgoing',
          when: (l) => !l.isOutput,
          check: (_v, live) => backSum(live),
        },
        {
          id: 'dadz',
          title: '∂a/∂z — the activation’s slope',
          tex: `\\frac{\\partial ${A}}{\\partial ${Z}} = \\varphi'(z) = {{dadzSym}} = {{dadzLive}} = {{dadz}}`,
          value: 'dadz',
          at: 'unit',
          when: elementwise,
          check: (v, live) => dphi(activationAt(live), v.z as number, v.a as number),
        },
        {
          id: 'dJdz',
          title: '∂J/∂z — their product',
          tex: `${dJ(Z)} = ${dJ(A)}\\,\\frac{\\partial ${A}}{\\partial ${Z}} = {{(dA)}}\\cdot{{(dadz)}} = {{dZ}}`,
          value: 'dZ',
          at: 'unit',
          when: elementwise,
          check: (v) => (v.dA as number) * (v.dadz as number),
        },
        {
          id: 'fused',
          title: '∂J/∂z, as the model computes it (the loss fused with its activation, docs/math.md §3)',
          tex: `${dJ(Z)} = \\frac{1}{NK}(a - y) = \\frac{1}{{{N}}\\cdot{{K}}}\\,({{a}} - {{(y)}}) = {{dZ}}`,
          value: 'dZ',
          at: 'unit',
          when: (l) => fused(l),
          note: 'Going through ∂J/∂a would divide by a(1 − a) (or by a), which overflows when the output saturates; reading z directly gives the same product.',
          check: (v, live) =>
            ((v.a as number) - (v.y as number)) /
            ((v.N as number) * (live.config.loss === 'softmaxCrossEntropy' ? 1 : (v.K as number))),
        },
        {
          id: 'dJdz',
          title: '∂J/∂z — softmax’s Jacobian-vector product',
          tex: `${dJ(Z)} = a_k\\Big(\\frac{\\partial J}{\\partial a_k} - \\sum_m a_m \\frac{\\partial J}{\\partial a_m}\\Big) = {{dZ}}`,
          value: 'dZ',
          at: 'unit',
          when: (l) => !elementwise(l) && !fused(l),
        },
        {
          id: 'dzdw',
          title: '∂z/∂w — the input on the link',
          tex: `\\frac{\\partial ${Z}}{\\partial ${W}} = A^{{{lprev}}}_{{{n1}},{{j1}}} = {{x}}`,
          value: 'x',
          at: 'source',
          when: (l) => l.isWeight,
          check: (_v, live) => live.detail.input[live.from] as number,
        },
        {
          id: 'dzdw',
          title: '∂z/∂b',
          tex: `\\frac{\\partial ${Z}}{\\partial b^{{{l1}}}_{{{k1}}}} = 1`,
          value: 'x',
          at: 'unit',
          when: (l) => !l.isWeight,
          check: () => 1,
        },
        {
          id: 'product',
          title: 'This example’s share of ∂J/∂w',
          tex: `${dJ(Z)}\\,\\frac{\\partial ${Z}}{\\partial w} = {{(dZ)}}\\cdot{{(x)}} = {{product}}`,
          value: 'product',
          at: 'link',
          check: (v) => (v.dZ as number) * (v.x as number),
        },
      ],
    },
    {
      title: 'The sum over the batch',
      terms: [
        {
          id: 'sum',
          title: '∂J/∂w — every example’s share, added up',
          tex: `\\begin{aligned}${dJ(W)} &= \\sum_{n=1}^{{{N}}} \\frac{\\partial J}{\\partial Z^{{{l1}}}_{n,{{k1}}}}\\,A^{{{lprev}}}_{n,{{j1}}}\\\\ &= \\big(A^{{{lprev}}\\,\\mathsf T}\\,\\tfrac{\\partial J}{\\partial Z^{{{l1}}}}\\big)_{{{j1}},{{k1}}} = {{grad}}\\end{aligned}`,
          value: 'grad',
          at: 'link',
          when: (l) => l.isWeight && l.inspection.regularization === 0,
          check: (v) => v.sum as number,
        },
        {
          id: 'sum',
          title: '∂J/∂w — every example’s share, plus the penalty’s',
          tex: `\\begin{aligned}${dJ(W)} &= \\sum_{n=1}^{{{N}}} \\frac{\\partial J}{\\partial Z^{{{l1}}}_{n,{{k1}}}}\\,A^{{{lprev}}}_{n,{{j1}}} + \\ell_1\\operatorname{sign}(w) + \\ell_2 w\\\\ &= {{sum}} + {{(reg)}} = {{grad}}\\end{aligned}`,
          value: 'grad',
          at: 'link',
          when: (l) => l.isWeight && l.inspection.regularization !== 0,
          check: (v) => (v.sum as number) + (v.reg as number),
        },
        {
          id: 'sum',
          title: '∂J/∂b — every example’s ∂J/∂z, added up',
          tex: `\\frac{\\partial J}{\\partial b^{{{l1}}}_{{{k1}}}} = \\sum_{n=1}^{{{N}}} \\frac{\\partial J}{\\partial Z^{{{l1}}}_{n,{{k1}}}} = {{grad}}`,
          value: 'grad',
          at: 'link',
          when: (l) => !l.isWeight,
          check: (v) => v.sum as number,
        },
      ],
    },
  ],
};
