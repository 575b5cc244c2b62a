import { activationTable } from '@chainrule/core';
import { type Config, layerActivation, outputUnits } from '../../state/config';
import { at, inputFollowed, type Live, weight } from './live';
import { backSum, dphi, outputDa, phi, zOf } from './ours';
import { sumOfProducts, tex, type Values } from './tex';
import type { Derivation, Slip } from './types';

/*
 * The four seed derivations (../shared/seeds, docs/math.md §6), each in its own notation, as data: TeX with
 * {{placeholders}} the panel fills with the model's numbers for the selected parameter and example. Steps past a
 * seed's own text are marked `beyond`; its slips are marked where they occur.
 */

const hiddenActs = (c: Config) => c.hidden.map((_, i) => layerActivation(c, i));
const label = (name: string) => activationTable[name as keyof typeof activationTable]?.label ?? name;
const hidden = (l: Live) => !l.isOutput;
const weightOf = (l: Live) => l.isWeight;

/** What the output-layer placeholders need beyond the common ones: the first rows of ∂J/∂a as a column. */
function column(live: Live): string {
  const rows = live.inspection.rows.slice(0, 3).map((r) => tex(r.dA));
  return `\\begin{bmatrix} ${rows.join(' \\\\ ')} \\\\ \\vdots \\end{bmatrix}`;
}

// ---------------------------------------------------------------------------------------------------------------

const sigmaSumSlip: Slip = {
  listed: true,
  wrote:
    '\\frac{\\partial J}{\\partial a^{(i)}} = \\frac{2}{N}\\sum_{i=1}^{N} \\frac{\\partial (y^{(i)}-a^{(i)})^{2}}{\\partial a^{(i)}}',
  correct:
    '\\frac{\\partial J}{\\partial a^{(i)}} = \\frac{1}{N}\\,\\frac{\\partial (y^{(i)}-a^{(i)})^{2}}{\\partial a^{(i)}}',
  note: 'The seed keeps Σ over i in front of the derivative while i is also the fixed example. Only the i-th term depends on a⁽ⁱ⁾, so the sum collapses to it; its result, 2/N (a⁽ⁱ⁾ − y⁽ⁱ⁾), is right.',
};

/** Seed 000: one neuron over a batch, J = 1/N Σ (y − a)². */
export const seed000: Derivation = {
  id: 'seed-000',
  label: '000',
  title: 'Seed 000 — one neuron over a batch',
  notation:
    'X is N×d, one example per row (as ours); z⁽ⁱ⁾ = wᵀx⁽ⁱ⁾ + b is row i of Z = X·w + b, so w is our W with one unit. J is our mse.',
  mismatch(c) {
    if (c.hidden.length > 0)
      return `seed 000 derives a single neuron; this network has ${c.hidden.length} hidden layer${c.hidden.length === 1 ? '' : 's'}`;
    if (outputUnits(c) > 1)
      return `seed 000’s neuron has one output; this network has a ${activationTable[c.output].label.toLowerCase()} over ${outputUnits(c)}`;
    if (c.loss !== 'mse') return `seed 000’s J is the mean squared error; this network’s loss is ${c.loss}`;
    return null;
  },
  defaultTarget: () => ({ kind: 'weight', layer: 0, from: 0, to: 0 }),
  values: (live) => ({ col: column(live), phiName: label(live.activation) }),
  sections: [
    {
      title: 'The neuron, at example i',
      terms: [
        {
          id: 'z',
          title: 'z⁽ⁱ⁾ = wᵀx⁽ⁱ⁾ + b',
          tex: '\\begin{aligned}z^{({{n1}})} &= \\mathbf{w}^{T}\\mathbf{x}^{({{n1}})} + b\\\\ &= {{zExpand}}\\\\ &= {{z}}\\end{aligned}',
          value: 'z',
          at: 'incoming',
          check: (_v, live) => zOf(live),
        },
        {
          id: 'a',
          title: 'a⁽ⁱ⁾ = φ(z⁽ⁱ⁾)',
          tex: 'a^{({{n1}})} = \\phi(z^{({{n1}})}) = {{phiLive}} = {{a}}',
          value: 'a',
          at: 'unit',
          check: (v, live) => phi(live.activation, v.z as number),
        },
        {
          id: 'J',
          title: 'J, the mean squared error over the N examples',
          tex: 'J = \\frac{1}{N}\\sum_{i=1}^{N}\\big(y^{(i)} - a^{(i)}\\big)^{2} = {{J}}',
          value: 'J',
          at: 'output',
        },
      ],
    },
    {
      title: 'Loss with respect to the activations',
      terms: [
        {
          id: 'dJda',
          title: '∂J/∂a⁽ⁱ⁾ = 2/N (a⁽ⁱ⁾ − y⁽ⁱ⁾)',
          tex: '\\begin{aligned}\\frac{\\partial J}{\\partial a^{(i)}} &= \\frac{1}{N}\\,\\frac{\\partial (y^{(i)}-a^{(i)})^{2}}{\\partial a^{(i)}} = \\frac{2}{N}(y^{(i)}-a^{(i)})(0-1) = \\frac{2}{N}\\big(a^{(i)} - y^{(i)}\\big)\\\\ \\frac{\\partial J}{\\partial a^{({{n1}})}} &= \\frac{2}{{{N}}}\\big({{a}} - {{(y)}}\\big) = {{dA}}\\end{aligned}',
          value: 'dA',
          at: 'output',
          slip: sigmaSumSlip,
          check: (v, live) => outputDa(live, v.a as number, v.y as number),
        },
        {
          id: 'column',
          title: 'All N of them: an N×1 column',
          tex: '\\frac{\\partial J}{\\partial \\mathbf{a}} = \\begin{bmatrix} \\frac{2}{N}(a^{(1)}-y^{(1)}) \\\\ \\frac{2}{N}(a^{(2)}-y^{(2)}) \\\\ \\frac{2}{N}(a^{(3)}-y^{(3)}) \\\\ \\vdots \\end{bmatrix} = {{col}}',
          at: 'output',
        },
      ],
    },
    {
      title: 'On to the weights (past the seed, in its notation)',
      terms: [
        {
          id: 'dadz',
          title: '∂a⁽ⁱ⁾/∂z⁽ⁱ⁾ = φ′(z⁽ⁱ⁾)',
          tex: "\\frac{\\partial a^{({{n1}})}}{\\partial z^{({{n1}})}} = \\phi'(z^{({{n1}})}) = {{dadzLive}} = {{dadz}}",
          value: 'dadz',
          at: 'unit',
          beyond: true,
          check: (v, live) => dphi(live.activation, v.z as number, v.a as number),
        },
        {
          id: 'dzdw',
          title: '∂z⁽ⁱ⁾/∂wⱼ = xⱼ⁽ⁱ⁾',
          tex: '\\frac{\\partial z^{({{n1}})}}{\\partial w_{{{j1}}}} = x^{({{n1}})}_{{{j1}}} = {{x}}',
          value: 'x',
          at: 'source',
          beyond: true,
          when: weightOf,
          check: (_v, live) => live.detail.x[live.from] as number,
        },
        {
          id: 'product',
          title: 'Example i’s share',
          tex: "\\frac{\\partial J}{\\partial a^{({{n1}})}}\\,\\phi'(z^{({{n1}})})\\,\\frac{\\partial z^{({{n1}})}}{\\partial w} = {{(dA)}}\\cdot{{(dadz)}}\\cdot{{(x)}} = {{product}}",
          value: 'product',
          at: 'link',
          beyond: true,
          check: (v) => (v.dA as number) * (v.dadz as number) * (v.x as number),
        },
        {
          id: 'sum',
          title: 'The sum over the batch',
          tex: "\\begin{aligned}\\frac{\\partial J}{\\partial \\mathbf{w}} &= \\mathbf{X}^{T}\\Big(\\frac{\\partial J}{\\partial \\mathbf{a}} \\circ \\phi'(\\mathbf{z})\\Big)\\\\ \\frac{\\partial J}{\\partial w_{{{j1}}}} &= \\sum_{i=1}^{{{N}}} \\frac{\\partial J}{\\partial a^{(i)}}\\,\\phi'(z^{(i)})\\,x^{(i)}_{{{j1}}} = {{grad}}\\end{aligned}",
          value: 'grad',
          at: 'link',
          beyond: true,
          when: weightOf,
          check: (v) => (v.sum as number) + (v.reg as number),
        },
        {
          id: 'sum',
          title: 'The sum over the batch',
          tex: "\\frac{\\partial J}{\\partial b} = \\sum_{i=1}^{{{N}}} \\frac{\\partial J}{\\partial a^{(i)}}\\,\\phi'(z^{(i)}) = {{grad}}",
          value: 'grad',
          at: 'link',
          beyond: true,
          when: (l) => !l.isWeight,
          check: (v) => v.sum as number,
        },
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------------

/** ∂J/∂W_i as seed 001 writes it, for layer i of L: the chain from ∂J/∂a⁽ᴸ⁾ down to ∂z⁽ⁱ⁾/∂W_i. */
function chain001(i: number, L: number): string {
  const f = (a: string, b: string) => `\\frac{\\partial ${a}}{\\partial ${b}}`;
  const parts = [f('J', `a^{(${L})}`), f(`a^{(${L})}`, `z^{(${L})}`)];
  for (let m = L; m > i; m--)
    parts.push(f(`z^{(${m})}`, `a^{(${m - 1})}`), f(`a^{(${m - 1})}`, `z^{(${m - 1})}`));
  parts.push(f(`z^{(${i})}`, `W_{${i}}`));
  return parts.join('\\,');
}

/** Seed 001: an L-layer sigmoid network, J = ½‖y − ŷ‖², column vectors with W on the left. */
export const seed001: Derivation = {
  id: 'seed-001',
  label: '001',
  title: 'Seed 001 — an L-layer sigmoid network',
  notation:
    'Column vectors, z⁽ⁱ⁾ = Wᵢa⁽ⁱ⁻¹⁾ + bᵢ with Wᵢ units×inputs: our Wˡ = Wᵢᵀ, so (Wᵢ)ₖⱼ is the link from unit j to unit k. J = ½‖y − ŷ‖² per example; here averaged over the N examples (halfSquaredError), so every ∂J/∂… carries 1/N.',
  mismatch(c) {
    const acts = [...hiddenActs(c), c.output];
    if (acts.some((a) => a !== 'sigmoid'))
      return 'seed 001’s network is sigmoid in every layer; this one is not';
    if (c.loss !== 'halfSquaredError') return `seed 001’s J is ½‖y − ŷ‖²; this network’s loss is ${c.loss}`;
    return null;
  },
  defaultTarget: () => ({ kind: 'weight', layer: 0, from: 0, to: 0 }),
  values: (live) => ({
    li: live.layer + 1,
    linext: live.layer + 2,
    chain: chain001(live.layer + 1, live.layers),
  }),
  sections: [
    {
      title: 'Forward, at example n',
      terms: [
        {
          id: 'z',
          title: 'z⁽ⁱ⁾ = Wᵢa⁽ⁱ⁻¹⁾ + bᵢ',
          tex: '\\begin{aligned}z^{({{li}})}_{{{k1}}} &= (W_{{{li}}})_{{{k1}},:}\\,a^{({{lprev}})} + (b_{{{li}}})_{{{k1}}}\\\\ &= {{zExpand}}\\\\ &= {{z}}\\end{aligned}',
          value: 'z',
          at: 'incoming',
          check: (_v, live) => zOf(live),
        },
        {
          id: 'a',
          title: 'a⁽ⁱ⁾ = σ(z⁽ⁱ⁾)',
          tex: 'a^{({{li}})}_{{{k1}}} = \\sigma(z^{({{li}})}_{{{k1}}}) = {{phiLive}} = {{a}}',
          value: 'a',
          at: 'unit',
          check: (v, live) => phi(live.activation, v.z as number),
        },
      ],
    },
    {
      title: 'The chain rule',
      terms: [
        {
          id: 'chain',
          title: 'The seed’s chain, for this layer',
          tex: '\\frac{\\partial J}{\\partial W_{{{li}}}} = {{chain}}',
          at: 'path',
        },
        {
          id: 'dJdyhat',
          title: '∂J/∂ŷ = ŷ − y',
          tex: '\\begin{aligned}\\frac{\\partial J}{\\partial a^{({{L}})}} = \\frac{\\partial J}{\\partial \\hat y} &= \\hat y - y\\\\ \\tfrac{1}{N}(\\hat y_{{{o1}}} - y_{{{o1}}}) &= \\tfrac{1}{{{N}}}\\big({{yhat}} - {{(yt)}}\\big) = {{dAout}}\\end{aligned}',
          value: 'dAout',
          at: 'output',
          slip: {
            listed: true,
            wrote: '\\frac{\\partial J}{\\partial \\hat y} = y - \\hat y',
            correct: '\\frac{\\partial J}{\\partial \\hat y} = \\hat y - y',
            note: 'For J = ½‖y − ŷ‖², ∂J/∂ŷ = −(y − ŷ) = ŷ − y. With the printed sign, gradient descent would climb.',
          },
          check: (v, live) => outputDa(live, v.yhat as number, v.yt as number),
        },
        {
          id: 'dJda',
          title: '∂z⁽ⁱ⁺¹⁾/∂a⁽ⁱ⁾ = Wᵢ₊₁: back from the next layer',
          tex: '\\begin{aligned}\\frac{\\partial J}{\\partial a^{({{li}})}_{{{k1}}}} &= \\sum_m \\frac{\\partial J}{\\partial z^{({{linext}})}_m}\\,(W_{{{linext}}})_{m,{{k1}}}\\\\ &= {{backExpand}}\\\\ &= {{dA}}\\end{aligned}',
          value: 'dA',
          at: 'outgoing',
          when: hidden,
          check: (_v, live) => backSum(live),
        },
        {
          id: 'dadz',
          title: '∂a⁽ⁱ⁾/∂z⁽ⁱ⁾ = a⁽ⁱ⁾ ∘ (1 − a⁽ⁱ⁾)',
          tex: '\\frac{\\partial a^{({{li}})}_{{{k1}}}}{\\partial z^{({{li}})}_{{{k1}}}} = a^{({{li}})}_{{{k1}}}\\big(1 - a^{({{li}})}_{{{k1}}}\\big) = {{dadzLive}} = {{dadz}}',
          value: 'dadz',
          at: 'unit',
          check: (v, live) => dphi(live.activation, v.z as number, v.a as number),
        },
        {
          id: 'dJdz',
          title: '∂J/∂z⁽ⁱ⁾',
          tex: '\\frac{\\partial J}{\\partial z^{({{li}})}_{{{k1}}}} = \\frac{\\partial J}{\\partial a^{({{li}})}_{{{k1}}}}\\,\\frac{\\partial a^{({{li}})}_{{{k1}}}}{\\partial z^{({{li}})}_{{{k1}}}} = {{(dA)}}\\cdot{{(dadz)}} = {{dZ}}',
          value: 'dZ',
          at: 'unit',
          check: (v) => (v.dA as number) * (v.dadz as number),
        },
        {
          id: 'dzdw',
          title: '∂z⁽ⁱ⁾/∂Wᵢ = a⁽ⁱ⁻¹⁾',
          tex: '\\frac{\\partial z^{({{li}})}_{{{k1}}}}{\\partial (W_{{{li}}})_{{{k1}},{{j1}}}} = a^{({{lprev}})}_{{{j1}}} = {{x}}',
          value: 'x',
          at: 'source',
          when: weightOf,
          check: (_v, live) => live.detail.input[live.from] as number,
        },
      ],
    },
    {
      title: 'The sum over the batch',
      terms: [
        {
          id: 'sum',
          title: '∂J/∂(Wᵢ)ₖⱼ: every example’s ∂J/∂z · a, added up',
          tex: '\\frac{\\partial J}{\\partial (W_{{{li}}})_{{{k1}},{{j1}}}} = \\sum_{n=1}^{{{N}}} \\frac{\\partial J}{\\partial z^{({{li}})}_{{{k1}}}}\\,a^{({{lprev}})}_{{{j1}}} = {{grad}}',
          value: 'grad',
          at: 'link',
          when: weightOf,
          note: 'Our Wˡ = Wᵢᵀ: this is the inspector’s w from unit j to unit k.',
          check: (v) => (v.sum as number) + (v.reg as number),
        },
        {
          id: 'sum',
          title: '∂J/∂bᵢ: every example’s ∂J/∂z, added up',
          tex: '\\frac{\\partial J}{\\partial (b_{{{li}}})_{{{k1}}}} = \\sum_{n=1}^{{{N}}} \\frac{\\partial J}{\\partial z^{({{li}})}_{{{k1}}}} = {{grad}}',
          value: 'grad',
          at: 'link',
          when: (l) => !l.isWeight,
          check: (v) => v.sum as number,
        },
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------------

const outputWeight = (l: Live) => l.isOutput && l.isWeight;
const outputBias = (l: Live) => l.isOutput && !l.isWeight;
const hiddenWeight = (l: Live) => !l.isOutput && l.isWeight;
const hiddenBias = (l: Live) => !l.isOutput && !l.isWeight;

/** Seed 002: the 2-layer ReLU → identity regression net, closed forms. */
export const seed002: Derivation = {
  id: 'seed-002',
  label: '002',
  title: 'Seed 002 — ReLU → identity, the closed forms',
  notation:
    'Row vectors, z = xW + b: exactly ours. L = ½(ŷ − y)² per example; the cost J = 1/m Σ L is our halfSquaredError, so each closed form (the seed sums L over the batch) is divided by m = N.',
  mismatch(c) {
    if (c.hidden.length !== 1)
      return `seed 002’s network has one hidden layer; this one has ${c.hidden.length}`;
    if (hiddenActs(c)[0] !== 'relu') return 'seed 002’s hidden layer is ReLU; this one is not';
    if (c.output !== 'linear') return 'seed 002’s output is the identity; this network’s is not';
    if (c.loss !== 'halfSquaredError') return `seed 002’s loss is ½(ŷ − y)²; this network’s is ${c.loss}`;
    return null;
  },
  defaultTarget: () => ({ kind: 'weight', layer: 0, from: 0, to: 0 }),
  values(live, common) {
    const m = live.inspection.examples;
    const v: Values = {
      m,
      Lgrad: m * (common.dAout as number),
      Lshare: m * live.detail.term.product,
      Ldz: m * live.detail.term.dZ,
    };
    if (!live.isOutput) {
      const out = at(live, live.layers - 1);
      v.zout = out.z[0] as number;
    }
    return v;
  },
  sections: [
    {
      title: 'Forward pass',
      terms: [
        {
          id: 'g',
          title: 'The activations: ReLU, then the identity',
          tex: 'g^{[1]}(z) = \\operatorname{ReLU}(z) = \\max(z, 0),\\qquad g^{[2]}(z) = z',
          at: 'path',
          slip: {
            listed: true,
            wrote: '\\text{“the other activation function, } g^{[2]}\\text{, is ReLU”}',
            correct: 'g^{[1]} = \\operatorname{ReLU}',
            note: 'The hidden layer’s activation is $g^{[1]}$; $g^{[2]}$, the output’s, is the identity.',
          },
        },
        {
          id: 'z',
          title: 'The hidden unit: z¹ = xW¹ + b¹, a¹ = ReLU(z¹)',
          tex: '\\begin{aligned} z^{[1]}_{{{k1}}} &= \\big(x W^{[1]} + b^{[1]}\\big)_{{{k1}}}\\\\ &= {{zExpand}}\\\\ &= {{z}}\\\\ a^{[1]}_{{{k1}}} &= g^{[1]}({{z}}) = {{a}}\\end{aligned}',
          value: 'z',
          at: 'incoming',
          when: hidden,
          check: (_v, live) => zOf(live),
        },
        {
          id: 'z',
          title: 'The output: z² = a¹W² + b², a² = z²',
          tex: '\\begin{aligned}\\hat y = a^{[2]} = z^{[2]} &= a^{[1]} W^{[2]} + b^{[2]}\\\\ &= {{zExpand}}\\\\ &= {{z}}\\end{aligned}',
          value: 'z',
          at: 'incoming',
          when: (l) => l.isOutput,
          check: (_v, live) => zOf(live),
        },
        {
          id: 'yhat',
          title: 'The output: ŷ = a² = z²',
          tex: '\\hat y = a^{[2]} = z^{[2]} = {{yhat}}, \\qquad y = {{yt}}',
          value: 'yhat',
          at: 'output',
          when: hidden,
          check: (v) => v.zout as number,
        },
      ],
    },
    {
      title: 'Partial derivatives, per example',
      terms: [
        {
          id: 'dLda2',
          title: '∂L/∂a² = a² − y, and ∂J/∂a² = (a² − y)/m',
          tex: '\\begin{aligned}\\frac{\\partial L}{\\partial a^{[2]}} &= a^{[2]} - y = {{yhat}} - {{(yt)}} = {{Lgrad}}\\\\ \\frac{\\partial J}{\\partial a^{[2]}} &= \\frac{1}{m}\\big(a^{[2]} - y\\big) = {{dAout}}\\end{aligned}',
          value: 'Lgrad',
          at: 'output',
          check: (v) => (v.yhat as number) - (v.yt as number),
        },
        {
          id: 'da2dz2',
          title: '∂a²/∂z² = 1 (the identity)',
          tex: '\\frac{\\partial a^{[2]}}{\\partial z^{[2]}} = 1',
          at: 'output',
        },
        {
          id: 'dz2da1',
          title: '∂z²/∂a¹ = W²',
          tex: '\\frac{\\partial z^{[2]}}{\\partial a^{[1]}_{{{k1}}}} = W^{[2]}_{{{k1}}} = {{wout}}',
          value: 'wout',
          at: 'outgoing',
          when: hidden,
          check: (_v, live) => weight(live, 1, live.unit, 0),
        },
        {
          id: 'da1dz1',
          title: '∂a¹/∂z¹ = ReLU′(z¹)',
          tex: "\\frac{\\partial a^{[1]}_{{{k1}}}}{\\partial z^{[1]}_{{{k1}}}} = \\operatorname{ReLU}'(z^{[1]}_{{{k1}}}) = {{dadzLive}} = {{dadz}}",
          value: 'dadz',
          at: 'unit',
          when: hidden,
          check: (v, live) => dphi(live.activation, v.z as number, v.a as number),
        },
        {
          id: 'dz1dW1',
          title: '∂z¹/∂W¹ = x',
          tex: '\\frac{\\partial z^{[1]}_{{{k1}}}}{\\partial W^{[1]}_{{{j1}},{{k1}}}} = x_{{{j1}}} = {{x}}',
          value: 'x',
          at: 'source',
          when: hiddenWeight,
          check: (_v, live) => live.detail.x[live.from] as number,
        },
        {
          id: 'dz2dW2',
          title: '∂z²/∂W² = a¹',
          tex: '\\frac{\\partial z^{[2]}}{\\partial W^{[2]}_{{{j1}}}} = a^{[1]}_{{{j1}}} = {{x}}',
          value: 'x',
          at: 'source',
          when: outputWeight,
          check: (_v, live) => live.detail.input[live.from] as number,
        },
        {
          id: 'numpy',
          title: '∂L/∂z¹, the seed’s numpy one-liner',
          tex: "\\frac{\\partial L}{\\partial z^{[1]}_{{{k1}}}} = (a^{[2]} - y)\\,W^{[2]}_{{{k1}}}\\,\\operatorname{ReLU}'(z^{[1]}_{{{k1}}}) = {{(Lgrad)}}\\cdot{{(wout)}}\\cdot{{dadz}} = {{Ldz}}",
          value: 'Ldz',
          at: 'unit',
          when: hidden,
          note: '`np.atleast_2d(a2 - y) @ W2.T * ((z1 > 0).astype(int))` computes this for every example at once: m·∂J/∂Z¹ in our terms.',
          check: (v) => (v.Lgrad as number) * (v.wout as number) * (v.dadz as number),
        },
      ],
    },
    {
      title: 'Putting it all together (÷ m for the cost J)',
      terms: [
        {
          id: 'W2',
          title: '∂J/∂W² — the closed form, and its entry',
          tex: '\\begin{aligned}&\\frac{\\partial J}{\\partial W^{[2]}} = \\tfrac{1}{m}\\,a^{[1]T}\\big(a^{[2]} - y\\big)\\\\ &a^{[1]}_{{{j1}}}\\big(a^{[2]} - y\\big) = {{(x)}}\\cdot{{(Lgrad)}} = {{Lshare}}\\\\ &\\frac{\\partial J}{\\partial W^{[2]}_{{{j1}}}} = \\tfrac{1}{{{m}}}\\textstyle\\sum_{i=1}^{m} a^{[1](i)}_{{{j1}}}\\big(a^{[2](i)} - y^{(i)}\\big) = {{grad}}\\end{aligned}',
          value: 'grad',
          at: 'link',
          when: outputWeight,
          check: (v) => (v.sum as number) + (v.reg as number),
        },
        {
          id: 'W2',
          title: '∂J/∂W²',
          tex: '\\frac{\\partial J}{\\partial W^{[2]}} = \\tfrac{1}{m}\\,a^{[1]T}\\big(a^{[2]} - y\\big)',
          at: 'outgoing',
          when: (l) => !outputWeight(l),
        },
        {
          id: 'b2',
          title: '∂J/∂b² — the closed form, and its entry',
          tex: '\\frac{\\partial J}{\\partial b^{[2]}} = \\tfrac{1}{m}\\textstyle\\sum_{i=1}^{{{m}}}\\big(a^{[2](i)} - y^{(i)}\\big) = {{grad}}',
          value: 'grad',
          at: 'link',
          when: outputBias,
          check: (v) => v.sum as number,
        },
        {
          id: 'b2',
          title: '∂J/∂b²',
          tex: '\\frac{\\partial J}{\\partial b^{[2]}} = \\tfrac{1}{m}\\textstyle\\sum\\big(a^{[2]} - y\\big)',
          at: 'output',
          when: (l) => !outputBias(l),
        },
        {
          id: 'W1',
          title: '∂J/∂W¹ — the closed form, and its entry',
          tex: "\\begin{aligned}&\\frac{\\partial J}{\\partial W^{[1]}} = \\tfrac{1}{m}\\,x^{T}\\big[(a^{[2]} - y)\\,W^{[2]T} \\odot \\operatorname{ReLU}'(z^{[1]})\\big]\\\\ &x_{{{j1}}}\\,(a^{[2]} - y)\\,W^{[2]}_{{{k1}}}\\,\\operatorname{ReLU}'(z^{[1]}_{{{k1}}})\\\\ &\\quad= {{(x)}}\\cdot{{(Lgrad)}}\\cdot{{(wout)}}\\cdot{{dadz}} = {{Lshare}}\\\\ &\\frac{\\partial J}{\\partial W^{[1]}_{{{j1}},{{k1}}}} = \\tfrac{1}{{{m}}}\\textstyle\\sum_{i=1}^{m}(\\ldots)^{(i)} = {{grad}}\\end{aligned}",
          value: 'grad',
          at: 'link',
          when: hiddenWeight,
          check: (v) => (v.sum as number) + (v.reg as number),
        },
        {
          id: 'W1',
          title: '∂J/∂W¹',
          tex: "\\frac{\\partial J}{\\partial W^{[1]}} = \\tfrac{1}{m}\\,x^{T}\\big[(a^{[2]} - y)\\,W^{[2]T} \\odot \\operatorname{ReLU}'(z^{[1]})\\big]",
          at: 'inputs',
          when: (l) => !hiddenWeight(l),
        },
        {
          id: 'b1',
          title: '∂J/∂b¹ — the closed form, and its entry',
          tex: "\\frac{\\partial J}{\\partial b^{[1]}_{{{k1}}}} = \\tfrac{1}{m}\\textstyle\\sum\\big[(a^{[2]} - y)\\,W^{[2]T} \\odot \\operatorname{ReLU}'(z^{[1]})\\big]_{{{k1}}} = {{grad}}",
          value: 'grad',
          at: 'link',
          when: hiddenBias,
          check: (v) => v.sum as number,
        },
        {
          id: 'b1',
          title: '∂J/∂b¹',
          tex: "\\frac{\\partial J}{\\partial b^{[1]}} = \\tfrac{1}{m}\\textstyle\\sum\\big[(a^{[2]} - y)\\,W^{[2]T} \\odot \\operatorname{ReLU}'(z^{[1]})\\big]",
          at: 'unit',
          when: (l) => !hiddenBias(l),
        },
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------------

/** Seed 003: a sigmoid MLP with Θ (one row per unit), the outer product and Θᵀ ∂E/∂z. */
export const seed003: Derivation = {
  id: 'seed-003',
  label: '003',
  title: 'Seed 003 — Θ, the outer product and Θᵀ∂E/∂z',
  notation:
    'Layers count from the input, a¹ = x; zˢ⁺¹ = Θˢaˢ with Θˢ one row per unit: our W = Θᵀ. The seed has no bias (the playground’s units do) and leaves E open: here E is this network’s loss J, averaged over the N examples.',
  mismatch(c) {
    const acts = [...hiddenActs(c), c.output];
    if (acts.some((a) => a !== 'sigmoid'))
      return 'seed 003’s network is sigmoid in every layer; this one is not';
    return null;
  },
  defaultTarget: () => ({ kind: 'weight', layer: 0, from: 0, to: 0 }),
  values(live) {
    const jx = inputFollowed(live);
    const first = at(live, 0);
    const w = live.detail.weights[0];
    const row = w ? w.W.slice(jx * w.units, (jx + 1) * w.units) : [];
    return {
      s: live.layer + 2,
      t: live.layer + 1,
      snext: live.layer + 3,
      sout: live.layers + 1,
      jx1: jx + 1,
      dXj: live.detail.dX[jx] as number,
      dXExpand: sumOfProducts(row, first.dZ),
      lossName: live.config.loss,
    };
  },
  sections: [
    {
      title: 'Activations, at example n',
      terms: [
        {
          id: 'z',
          title: 'z = Θa (+ b), a = σ(z)',
          tex: '\\begin{aligned} z^{{{s}}}_{{{k1}}} &= \\theta^{{{t}}}_{{{k1}}}\\,a^{{{t}}} + b_{{{k1}}}\\\\ &= {{zExpand}}\\\\ &= {{z}}\\\\ a^{{{s}}}_{{{k1}}} &= \\sigma\\big(z^{{{s}}}_{{{k1}}}\\big) = {{a}}\\end{aligned}',
          value: 'z',
          at: 'incoming',
          check: (_v, live) => zOf(live),
        },
      ],
    },
    {
      title: 'Backpropagation',
      terms: [
        {
          id: 'dEda',
          title: '∂E/∂a at the output',
          tex: '\\frac{\\partial E}{\\partial a^{{{sout}}}_{{{o1}}}} = {{dAout}}',
          value: 'dAout',
          at: 'output',
          note: 'The seed leaves E open; this is this network’s loss (its ∂J/∂a, docs/math.md §3), from a and y.',
          check: (v, live) => outputDa(live, v.yhat as number, v.yt as number),
        },
        {
          id: 'dEda',
          title: '∂E/∂aᵢ² = ∂E/∂z³ Θ²: back from the next layer',
          tex: '\\begin{aligned}\\frac{\\partial E}{\\partial a^{{{s}}}_{{{k1}}}} &= \\sum_i \\frac{\\partial E}{\\partial z^{{{snext}}}_{i}}\\,\\Theta^{{{s}}}_{i,{{k1}}}\\\\ &= {{backExpand}}\\\\ &= {{dA}}\\end{aligned}',
          value: 'dA',
          at: 'outgoing',
          when: hidden,
          slip: {
            listed: false,
            wrote:
              '\\frac{\\partial E}{\\partial a_i^2} = \\frac{\\partial E}{\\partial z_1^3}\\,\\Theta^2_{i,1}',
            correct:
              '\\frac{\\partial E}{\\partial a_i^2} = \\frac{\\partial E}{\\partial z_1^3}\\,\\Theta^2_{1,i}',
            note: 'With one row per unit (its own definition), the weight from $a^2_i$ into $z^3_1$ is $\\Theta^2_{1,i}$; the seed writes $\\Theta^2_{i,1}$ here and in $z^3_1 = \\sum_i \\Theta^2_{i,1} a^2_i$.',
          },
          check: (_v, live) => backSum(live),
        },
        {
          id: 'dEdz',
          title: '∂E/∂z = ∂E/∂a ∘ σ(z)(1 − σ(z))',
          tex: '\\begin{aligned}\\frac{\\partial E}{\\partial z^{{{s}}}_{{{k1}}}} &= \\frac{\\partial E}{\\partial a^{{{s}}}_{{{k1}}}}\\,\\sigma(z^{{{s}}}_{{{k1}}})\\big(1 - \\sigma(z^{{{s}}}_{{{k1}}})\\big)\\\\ &= {{(dA)}}\\cdot{{dadzLive}} = {{dZ}}\\end{aligned}',
          value: 'dZ',
          at: 'unit',
          check: (v, live) => (v.dA as number) * dphi(live.activation, v.z as number, v.a as number),
        },
        {
          id: 'dEdTheta',
          title: '∂E/∂Θₖⱼ = ∂E/∂zₖ · aⱼ, at example n',
          tex: '\\frac{\\partial E}{\\partial \\Theta^{{{t}}}_{{{k1}},{{j1}}}} = \\frac{\\partial E}{\\partial z^{{{s}}}_{{{k1}}}}\\,a^{{{t}}}_{{{j1}}} = {{(dZ)}}\\cdot{{(x)}} = {{product}}',
          value: 'product',
          at: 'link',
          when: weightOf,
          check: (v) => (v.dZ as number) * (v.x as number),
        },
        {
          id: 'outer',
          title: 'The outer product, summed over the batch',
          tex: '\\begin{aligned}\\frac{\\partial E}{\\partial \\Theta^{{{t}}}} &= \\frac{\\partial E}{\\partial z^{{{s}}}} \\otimes a^{{{t}}}\\\\ \\frac{\\partial E}{\\partial \\Theta^{{{t}}}_{{{k1}},{{j1}}}} &= \\sum_{n=1}^{{{N}}} \\Big(\\frac{\\partial E}{\\partial z^{{{s}}}} \\otimes a^{{{t}}}\\Big)^{(n)}_{{{k1}},{{j1}}} = {{grad}}\\end{aligned}',
          value: 'grad',
          at: 'link',
          when: weightOf,
          slip: {
            listed: true,
            wrote: '\\Theta^1_{i,:}\\ \\text{“the } i\\text{-th column of } \\Theta^1\\text{”}',
            correct: '\\Theta^1_{i,:}\\ \\text{the } i\\text{-th row}',
            note: 'With one row per unit, $\\Theta_{i,:}$ is the i-th row — which is what $\\partial E/\\partial \\Theta^1_{i,:} = \\partial E/\\partial z^2_i \\circ a^1$ uses. Our $W = \\Theta^{\\mathsf T}$: $\\Theta^t_{kj}$ is the inspector’s w from unit j to unit k.',
          },
          check: (v) => (v.sum as number) + (v.reg as number),
        },
        {
          id: 'outer',
          title: '∂E/∂b: the bias the seed does not have',
          tex: '\\frac{\\partial E}{\\partial b_{{{k1}}}} = \\sum_{n=1}^{{{N}}} \\frac{\\partial E}{\\partial z^{{{s}}}_{{{k1}}}} = {{grad}}',
          value: 'grad',
          at: 'link',
          when: (l) => !l.isWeight,
          beyond: true,
          check: (v) => v.sum as number,
        },
        {
          id: 'dEdx',
          title: '∂E/∂a¹ = Θ¹ᵀ ∂E/∂z²: the input’s gradient',
          tex: '\\begin{aligned}\\frac{\\partial E}{\\partial a^{1}} &= \\Theta^{1\\intercal}\\,\\frac{\\partial E}{\\partial z^{2}}\\\\ \\frac{\\partial E}{\\partial a^{1}_{{{jx1}}}} &= \\sum_i \\Theta^{1}_{i,{{jx1}}}\\,\\frac{\\partial E}{\\partial z^{2}_i}\\\\ &= {{dXExpand}}\\\\ &= {{dXj}}\\end{aligned}',
          value: 'dXj',
          at: 'inputs',
          note: 'Training does not need it (x is given); the seed derives it to show back-propagation across a matrix.',
          check: (_v, live) => {
            const w = live.detail.weights[0];
            const jx = inputFollowed(live);
            return at(live, 0).dZ.reduce(
              (s, dz, i) => s + (w ? (w.W[jx * w.units + i] as number) : 0) * dz,
              0,
            );
          },
        },
      ],
    },
  ],
};

export const seedDerivations: Derivation[] = [seed000, seed001, seed002, seed003];
