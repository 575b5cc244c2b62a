import { ChainruleError } from '@chainrule/core';

/**
 * Makes names unique for export, deterministically. A name keeps its first occurrence unless `taken` has it; a repeat
 * (or a taken name) becomes `name_2`, `name_3`, …: the first candidate that is not in `taken`, not any of `names`
 * (so layers `a`, `a`, `a_2` become `a`, `a_3`, `a_2`) and not an earlier result.
 */
export function uniqueNames(names: readonly string[], taken: Iterable<string> = []): string[] {
  const given = new Set(names);
  const used = new Set(taken);
  return names.map((name) => {
    let unique = name;
    for (let k = 2; used.has(unique) || (unique !== name && given.has(unique)); k++) unique = `${name}_${k}`;
    used.add(unique);
    return unique;
  });
}

/** Names an exporter writes beside the weights, so that the exported model says what it reads and predicts. */
export interface ExportNames {
  /** The input columns' names, in order: one per model input. */
  featureNames?: readonly string[];
  /** The name of what the model predicts (the target column). */
  targetName?: string;
}

/**
 * The class names (the model's `labels`) and the checked `featureNames` and `targetName` an exporter writes; throws
 * INVALID_OPTION naming `op` and the problem.
 */
export function exportNames(
  op: string,
  model: { readonly inputSize: number; readonly labels: readonly string[] | null },
  names: ExportNames,
): { classes?: string[]; features?: string[]; target?: string } {
  const out: { classes?: string[]; features?: string[]; target?: string } = {};
  if (model.labels) out.classes = [...model.labels];
  const features = names.featureNames;
  if (features !== undefined) {
    if (!Array.isArray(features) || features.length !== model.inputSize)
      throw new ChainruleError(
        'INVALID_OPTION',
        `${op}: featureNames must name the model's ${model.inputSize} inputs, got ${Array.isArray(features) ? `${features.length} names` : typeof features}`,
      );
    const bad = features.findIndex((f) => typeof f !== 'string');
    if (bad >= 0)
      throw new ChainruleError(
        'INVALID_OPTION',
        `${op}: featureNames[${bad}] must be a string, got ${JSON.stringify(features[bad])}`,
      );
    out.features = [...features];
  }
  if (names.targetName !== undefined) {
    if (typeof names.targetName !== 'string')
      throw new ChainruleError(
        'INVALID_OPTION',
        `${op}: targetName must be a string, got ${JSON.stringify(names.targetName)}`,
      );
    out.target = names.targetName;
  }
  return out;
}
