import { type ActivationName, activationTable, INSPECT_EPSILON } from '@chainrule/core';
import type { Config } from '../state/config';
import type { PageFiniteDifference } from '../worker/protocol';

/** ε as people write it: 0.001, 0.00005, 2.5e-7. */
export const eps = (v: number) => String(Number(v.toPrecision(2)));

/** "layer 2 (ReLU)", "layers 2 (ReLU) and 3 (leaky ReLU)": page layers (1-based) with their activations' labels. */
function layerList(layers: readonly { layer: number; activation: ActivationName }[]): string {
  if (layers.length === 0) return 'a later layer';
  const named = layers.map((l) => `${l.layer + 1} (${activationTable[l.activation].label})`);
  const last = named.pop() as string;
  return `layer${named.length > 0 ? 's' : ''} ${named.length > 0 ? `${named.join(', ')} and ` : ''}${last}`;
}

/**
 * What the finite difference's kink checks found, in words (null when no kink is near): ε shrunk to step clear of
 * them, or no ε that can, in which case the difference is no check on the gradient here. Core counts the examples
 * whose z at this unit sits within reach of φ′'s jump at z = 0 (ReLU), plus one when L1's |w| has w itself within
 * reach of 0 (`kinks`); and the examples for which the first ε tried moved a z of a later layer across its kink
 * (`laterKinks`, in `laterKinkLayers`, which the worker gives as the page's layers).
 */
export function kinkNote(
  i: { finiteDifference: PageFiniteDifference; activation: ActivationName; value: number },
  regularization: Config['regularization'],
  isWeight: boolean,
): string | null {
  const { kinks, epsilon, reliable } = i.finiteDifference;
  const later = i.finiteDifference.laterKinks ?? 0;
  if (kinks === 0 && later === 0 && reliable) return null;
  const atZero = kinks > 0 && regularization === 'l1' && isWeight && Math.abs(i.value) < INSPECT_EPSILON;
  const examples = kinks - (atZero ? 1 : 0);
  const plural = (k: number) => `${k} example${k === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (examples > 0)
    parts.push(
      `a kink (${activationTable[i.activation].label} at z = 0) lies within ε = ${INSPECT_EPSILON} of ${plural(examples)}`,
    );
  if (atZero) parts.push(`w lies within ε = ${INSPECT_EPSILON} of L1’s kink at w = 0`);
  if (later > 0)
    parts.push(
      `the first ε tried moved z in ${layerList(i.finiteDifference.laterKinkLayers ?? [])} across 0 for ${plural(later)}`,
    );
  if (parts.length === 0) parts.push(`a kink lies within ε = ${INSPECT_EPSILON}`);
  const what = parts.join(', and ');
  const said = what.charAt(0).toUpperCase() + what.slice(1);
  const it = parts.length === 1 ? 'it' : 'them';
  return reliable
    ? `${said}: ε reduced to ${eps(epsilon)} to step clear of ${it}.`
    : `${said}, and no ε (down to ${eps(epsilon)}) steps clear of ${it}: J bends within even the smallest step, so the finite difference averages the slopes on both sides of a kink; it cannot be trusted, and cannot be compared with the gradient here.`;
}
