import {
  type ActivationName,
  activationTable,
  ChainruleError,
  type LossKind,
  lossKindCodes,
} from '@chainrule/core';

/**
 * The code assembly/activations.ts switches on, from core's `activationTable`; an unknown name is refused, never
 * run as some other activation. (The AssemblyScript side reads the same codes: assembly/codes.ts is generated from
 * the table at build time, and a code without a case traps — `unreachable` — which the conformance suite, run over
 * every activation in the table, turns into a failing test.)
 */
export function activationCode(op: string, name: ActivationName): number {
  const entry = Object.hasOwn(activationTable, name) ? activationTable[name] : undefined;
  if (!entry) throw new ChainruleError('UNKNOWN_NAME', `${op}: unknown activation ${JSON.stringify(name)}`);
  return entry.kernelCode;
}

/** The code assembly/reductions.ts switches on, from core's `lossKindCodes`; an unknown kind is refused. */
export function lossCode(kind: LossKind): number {
  const code = Object.hasOwn(lossKindCodes, kind) ? lossKindCodes[kind] : undefined;
  if (code === undefined)
    throw new ChainruleError('UNKNOWN_NAME', `loss: unknown loss kind ${JSON.stringify(kind)}`);
  return code;
}
