import { type ActivationName, activationTable, type ResolvedActivation } from '@chainrule/core';
import { type Config, resolvedActivation } from '../../state/config';
import type { Highlight } from '../../state/store';
import type { ExampleDetail, ExampleLayer, Inspection, InspectTarget } from '../../worker/protocol';
import { factor, sumOfProducts, tex, type Values } from './tex';

/**
 * Everything a derivation substitutes, for one parameter and one example: the inspection of the parameter (core's
 * `inspect`) and the example's pass through the network (`ExampleDetail`). Nothing here is recomputed: every
 * number a derivation shows is one the model computed.
 */
export interface Live {
  config: Config;
  inspection: Inspection;
  detail: ExampleDetail;
  target: InspectTarget;
  /** The selected parameter's Dense layer (0-based), unit, and source unit (−1 for a bias). */
  layer: number;
  unit: number;
  from: number;
  isWeight: boolean;
  /** Dense layers in the network (L). */
  layers: number;
  isOutput: boolean;
  /** Units of the output layer (K). */
  outputs: number;
  /** The selected unit's activation, and the output layer's. */
  activation: ActivationName;
  output: ActivationName;
}

export function liveOf(config: Config, inspection: Inspection): Live | null {
  const detail = inspection.detail;
  // An inspection of the network before a change (a preset, a new layer) is not this network's: wait for the next.
  if (
    !detail ||
    detail.layers.length !== config.hidden.length + 1 ||
    detail.x.length !== config.features.length ||
    detail.layers.some((l, i) => i < config.hidden.length && l.z.length !== config.hidden[i])
  )
    return null;
  const target = inspection.target;
  const isWeight = target.kind === 'weight';
  const layers = detail.layers.length;
  const out = detail.layers[layers - 1] as ExampleLayer;
  return {
    config,
    inspection,
    detail,
    target,
    layer: target.layer,
    unit: isWeight ? target.to : target.unit,
    from: isWeight ? target.from : -1,
    isWeight,
    layers,
    isOutput: target.layer === layers - 1,
    outputs: out.a.length,
    activation: inspection.activation,
    output: config.output,
  };
}

/** The layer at this example. */
export const at = (live: Live, layer: number) => live.detail.layers[layer] as ExampleLayer;

/** W[i][j] of Dense layer `layer` as this pass used it. */
export function weight(live: Live, layer: number, i: number, j: number): number {
  const w = live.detail.weights[layer];
  return w ? (w.W[i * w.units + j] as number) : Number.NaN;
}

/** The output unit on the selected parameter's path to J: the unit itself at the output, else the first output. */
export const outputUnit = (live: Live) => (live.isOutput ? live.unit : 0);

/** φ(z) as TeX, with z as given (a symbol or a live number): core's `activationTable[act].tex`. */
export function phiTex(act: ActivationName, z: string): string {
  return activationTable[act].tex.phi(z);
}

/** The selected unit's activation with its layer's α, as the config (and so the model) has it. */
export const activationAt = (live: Live): ResolvedActivation => resolvedActivation(live.config, live.layer);

/**
 * φ′ as the derivations write it (docs/math.md §2), in terms of z and a (symbols or live numbers); given z's value,
 * a piecewise φ′ shows its branch with α's number — the layer's α for a resolved activation (`activationAt`), the
 * table's default for a bare name — else both cases with α.
 */
export function dphiTex(
  act: ActivationName | ResolvedActivation,
  z: string,
  a: string,
  zValue?: number,
): string {
  const entry = activationTable[typeof act === 'string' ? act : act.name];
  if (zValue === undefined) return entry.tex.dphi(z, a, '\\alpha');
  const alpha = typeof act === 'string' ? (entry.alpha?.default ?? 0) : act.alpha;
  return entry.tex.dphi(z, a, tex(alpha), zValue > 0 ? 'above' : 'below');
}

/**
 * The placeholders every derivation shares: sizes and indices (1-based, as the texts count), the chain's terms at
 * the example, the sum over the batch, and the output unit on the path (ŷ, y, ∂J/∂ŷ).
 */
export function commonValues(live: Live): Values {
  const { inspection: i, detail: d } = live;
  const t = d.term;
  const here = at(live, live.layer);
  const out = at(live, live.layers - 1);
  const k = live.unit;
  const o = outputUnit(live);
  const w = d.weights[live.layer];
  const incoming = w ? Array.from({ length: w.inputs }, (_, j) => w.W[j * w.units + k] as number) : [];
  const v: Values = {
    N: i.examples,
    K: live.outputs,
    L: live.layers,
    n1: d.example + 1,
    j1: live.from + 1,
    k1: k + 1,
    l1: live.layer + 1,
    lprev: live.layer,
    w: i.value,
    x: t.dzdw,
    z: here.z[k] as number,
    a: here.a[k] as number,
    dA: t.dA,
    dZ: t.dZ,
    product: t.product,
    sum: i.sumOfProducts,
    reg: i.regularization,
    grad: i.gradient,
    J: i.loss,
    b: (w?.b[k] as number) ?? Number.NaN,
    o1: o + 1,
    yhat: out.a[o] as number,
    zout: out.z[o] as number,
    yt: d.y[o] as number,
    dAout: out.dA[o] as number,
    dZout: out.dZ[o] as number,
    zExpand: sumOfProducts(incoming, d.input, w?.b[k]),
    phiLive: phiTex(live.activation, tex(here.z[k] as number)),
    dadzLive: dphiTex(
      activationAt(live),
      tex(here.z[k] as number),
      factor(here.a[k] as number),
      here.z[k] as number,
    ),
    dadzSym: dphiTex(live.activation, 'z', 'a'),
  };
  if (t.dadz !== null) v.dadz = t.dadz;
  if (live.isOutput) v.y = d.y[k] as number;
  if (!live.isOutput) {
    const next = d.weights[live.layer + 1];
    const outgoing = next ? next.W.slice(k * next.units, (k + 1) * next.units) : [];
    v.backExpand = sumOfProducts(outgoing, at(live, live.layer + 1).dZ);
    v.wout = outgoing[0] as number;
  }
  return v;
}

/** The diagram places a derivation's terms point at. */
export type Place =
  /** The selected link (or, for a bias, its neuron). */
  | 'link'
  /** The selected neuron. */
  | 'unit'
  /** The link's source: the neuron (or input feature) whose output ∂z/∂w is. */
  | 'source'
  /** The links into the selected neuron, and it. */
  | 'incoming'
  /** The links out of the selected neuron to the next layer, and that layer's neurons. */
  | 'outgoing'
  /** The output neurons. */
  | 'output'
  /** The path from the selected link to the output. */
  | 'path'
  /** The input features and the first layer's links out of the followed feature. */
  | 'inputs';

/** Where a place is on the diagram for this parameter (layer −1 is the feature column). */
export function placeOf(place: Place, live: Live): Highlight {
  const { layer, unit, from, isWeight, layers } = live;
  const self = { layer, unit };
  const link = isWeight ? [{ layer, from, to: unit }] : [];
  const outputs = Array.from({ length: live.outputs }, (_, u) => ({ layer: layers - 1, unit: u }));
  const units = (l: number) => live.detail.weights[l]?.units ?? 0;
  const inputsOf = (l: number) => live.detail.weights[l]?.inputs ?? 0;
  switch (place) {
    case 'link':
      return { nodes: isWeight ? [] : [self], links: link };
    case 'unit':
      return { nodes: [self], links: [] };
    case 'source':
      return { nodes: isWeight ? [{ layer: layer - 1, unit: from }] : [], links: link };
    case 'incoming':
      return {
        nodes: [self],
        links: Array.from({ length: inputsOf(layer) }, (_, j) => ({ layer, from: j, to: unit })),
      };
    case 'outgoing':
      if (live.isOutput) return { nodes: [self], links: [] };
      return {
        nodes: Array.from({ length: units(layer + 1) }, (_, m) => ({ layer: layer + 1, unit: m })),
        links: Array.from({ length: units(layer + 1) }, (_, m) => ({ layer: layer + 1, from: unit, to: m })),
      };
    case 'output':
      return { nodes: outputs, links: [] };
    case 'path': {
      const nodes = [self, ...outputs];
      const links = [...link];
      // Each later layer's links, as far as the output: the ways the unit's z reaches J.
      for (let l = layer + 1; l < layers; l++)
        for (let i = 0; i < inputsOf(l); i++)
          for (let j = 0; j < units(l); j++)
            if (l > layer + 1 || i === unit) links.push({ layer: l, from: i, to: j });
      return { nodes, links };
    }
    case 'inputs': {
      const j = inputFollowed(live);
      return {
        nodes: [{ layer: -1, unit: j }],
        links: Array.from({ length: units(0) }, (_, m) => ({ layer: 0, from: j, to: m })),
      };
    }
  }
}

/** The input feature ∂J/∂x follows: the selected link's, when it leaves a feature, else the first. */
export const inputFollowed = (live: Live) => (live.layer === 0 && live.isWeight ? live.from : 0);
