import type { Config } from '../../state/config';
import type { InspectTarget } from '../../worker/protocol';
import type { Live, Place } from './live';
import type { Values } from './tex';

/** A slip in a seed's text (docs/math.md §6): what it writes, what is correct, and why. */
export interface Slip {
  /** TeX: what the seed writes. */
  wrote: string;
  /** TeX: the correct form. */
  correct: string;
  note: string;
  /** Listed in docs/math.md and the seeds' README (false: an inconsistency found here, said as a note). */
  listed: boolean;
}

/** One step of a derivation: TeX with `{{placeholders}}` filled by live values, and where it lives on the diagram. */
export interface Term {
  id: string;
  title: string;
  tex: string;
  /** The placeholder whose number this step arrives at (shown on the term as `data-value`). */
  value?: string;
  at: Place;
  slip?: Slip;
  /** Plain text under the math. */
  note?: string;
  /** A step past the seed's own text, continued in its notation. */
  beyond?: boolean;
  /** Shown only when this holds for the selected parameter and network. */
  when?: (live: Live) => boolean;
  /**
   * The step's formula evaluated on the substituted numbers: it must equal `value` (core's number). The tests
   * run every check, so the math shown is the math the model computed.
   */
  check?: (v: Record<string, number>, live: Live) => number;
}

export interface Section {
  title: string;
  terms: Term[];
}

export interface Derivation {
  id: string;
  /** The tab's label. */
  label: string;
  title: string;
  /** Its notation, mapped onto ours (docs/math.md §6), in plain text. */
  notation: string;
  /** Why the current network is not the one this derivation is about (then the panel shows ours), or null. */
  mismatch(config: Config): string | null;
  /** The parameter it derives when none is selected. */
  defaultTarget(config: Config): InspectTarget;
  /** Placeholders of its own notation, beside the common ones. */
  values?(live: Live, common: Values): Values;
  sections: Section[];
}

/** The numeric placeholders of a set of values (what checks read). */
export function numbers(values: Values): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'number') out[k] = v;
  return out;
}
