import type { StepGlow } from '../../state/store';
import type { IterationTrace } from '../../worker/protocol';

/**
 * The stages of one traced iteration, as the step-through counts them: forward through layers 1…L (stages 0…L−1),
 * the loss (L), backward through layers L…1 (L+1…2L), the update (2L+1).
 */
export function stageKind(
  stage: number,
  layers: number,
): { kind: 'forward' | 'loss' | 'backward' | 'update'; layer: number } {
  if (stage < layers) return { kind: 'forward', layer: stage };
  if (stage === layers) return { kind: 'loss', layer: layers - 1 };
  if (stage <= 2 * layers) return { kind: 'backward', layer: 2 * layers - stage };
  return { kind: 'update', layer: -1 };
}

/**
 * The backward flow on the network at a stage: the layers the backward pass has reached so far (right to left),
 * each link lit by |∂J/∂w| and each neuron by Σ over the batch of |∂J/∂z| (at the loss stage, the output's |∂J/∂a|).
 * Both scale to the largest lit one, through a square root so that small gradients still show; null before the
 * loss (nothing flows back yet).
 */
export function glowOf(trace: IterationTrace, stage: number): StepGlow | null {
  const L = trace.layers.length;
  const { kind, layer } = stageKind(stage, L);
  if (kind === 'forward') return null;
  const lowest = kind === 'loss' ? L : kind === 'backward' ? layer : 0;
  const nodes: (number[] | null)[] = trace.layers.map(() => null);
  const links: (number[] | null)[] = trace.layers.map(() => null);
  trace.layers.forEach((t, l) => {
    const atLoss = kind === 'loss' && l === L - 1;
    if (l < lowest && !atLoss) return;
    const source = atLoss ? t.dA : t.dZ;
    const sums = new Array<number>(t.units).fill(0);
    for (let i = 0; i < source.length; i++) {
      const v = Math.abs(source[i] as number);
      if (Number.isFinite(v)) sums[i % t.units] = (sums[i % t.units] as number) + v;
    }
    nodes[l] = sums;
    if (!atLoss) links[l] = Array.from(t.dW, (v) => (Number.isFinite(v) ? Math.abs(v) : 0));
  });
  const scale = (rows: (number[] | null)[]) => {
    const max = Math.max(0, ...rows.flatMap((r) => r ?? []));
    return rows.map((r) => (r ? r.map((v) => (max > 0 ? Math.sqrt(v / max) : 0)) : null));
  };
  return { nodes: scale(nodes), links: scale(links), current: kind === 'update' ? -1 : layer };
}
