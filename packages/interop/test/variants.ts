import {
  type ActivationSpec,
  activationNames,
  activationTable,
  type LossName,
  lossNames,
  lossTable,
} from '@chainrule/core';

/** An activation as a layer is configured with, and how a test names it. */
export interface Variant {
  readonly label: string;
  readonly spec: ActivationSpec;
}

/**
 * Every activation of `activationTable` (so a new one is tested without a line here): those with a parameter twice,
 * at its default and at min + 0.7·(default − min) (ELU: 0.7, Leaky ReLU: 0.007).
 */
export const variants: readonly Variant[] = activationNames.flatMap((name): Variant[] => {
  const param = activationTable[name].alpha;
  if (!param) return [{ label: name, spec: name }];
  const other = Number((param.min + 0.7 * (param.default - param.min)).toPrecision(6));
  return [param.default, other].map((alpha) => ({
    label: `${name} (alpha ${alpha})`,
    spec: { name, alpha },
  }));
});

export const nameOf = (spec: ActivationSpec) => (typeof spec === 'string' ? spec : spec.name);

/** Whether an activation is sensible inside the network: the elementwise ones (softmax, per row, is an output). */
export const hiddenable = (spec: ActivationSpec) => activationTable[nameOf(spec)].kind === 'elementwise';

/** The loss for an output activation: the one fused with it (`lossTable`), else mean squared error. */
export const lossFor = (spec: ActivationSpec): LossName =>
  lossNames.find((l) => lossTable[l].fusedActivation === nameOf(spec)) ?? 'mse';
