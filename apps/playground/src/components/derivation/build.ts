import type { Config } from '../../state/config';
import type { Highlight } from '../../state/store';
import { commonValues, type Live, placeOf } from './live';
import { ours } from './ours';
import { seedDerivations } from './seeds';
import { fill, type Values } from './tex';
import type { Derivation, Slip } from './types';

export const derivations: Derivation[] = [ours, ...seedDerivations];

/** A derivation by id (a seed preset's id, or 'ours'); unknown ids give ours. */
export function derivationById(id: string | null): Derivation {
  return derivations.find((d) => d.id === id) ?? ours;
}

/** One term ready to show: its TeX filled with the live values. */
export interface FilledTerm {
  id: string;
  title: string;
  tex: string;
  /** The number the term arrives at (core's), if any, and its placeholder's name ('grad' for ∂J/∂w). */
  value: number | null;
  valueName: string | null;
  place: Highlight;
  slip?: Slip;
  note?: string;
  beyond: boolean;
}

export interface FilledSection {
  title: string;
  terms: FilledTerm[];
}

/** Every placeholder value of a derivation for this parameter and example: the common ones and its own. */
export function valuesFor(derivation: Derivation, live: Live): Values {
  const common = commonValues(live);
  return { ...common, ...(derivation.values?.(live, common) ?? {}) };
}

/** The derivation's terms that apply to the selected parameter, filled with its live values. */
export function fillDerivation(derivation: Derivation, live: Live): FilledSection[] {
  const values = valuesFor(derivation, live);
  return derivation.sections
    .map((section) => ({
      title: section.title,
      terms: section.terms
        .filter((t) => t.when?.(live) ?? true)
        .map((t) => {
          const v = t.value === undefined ? undefined : values[t.value];
          return {
            id: t.id,
            title: t.title,
            tex: fill(t.tex, values),
            value: typeof v === 'number' ? v : null,
            valueName: typeof v === 'number' ? (t.value ?? null) : null,
            place: placeOf(t.at, live),
            beyond: t.beyond ?? false,
            ...(t.slip ? { slip: t.slip } : {}),
            ...(t.note ? { note: t.note } : {}),
          };
        }),
    }))
    .filter((s) => s.terms.length > 0);
}

/** The derivation to show for a chosen id on this network: the chosen one, or ours with the reason it does not fit. */
export function chooseDerivation(
  id: string | null,
  config: Config,
): { derivation: Derivation; chosen: Derivation; mismatch: string | null } {
  const chosen = derivationById(id);
  const mismatch = chosen.mismatch(config);
  return { derivation: mismatch ? ours : chosen, chosen, mismatch };
}
