import { create } from 'zustand';
import {
  type ChartPoint,
  DEFAULT_HIDDEN,
  type FromWorker,
  type HiddenSize,
  type Progress,
  type Selection,
  type UnitView,
} from './protocol';

/** What the worker said when it was ready: the kernels, their threads, and the data. */
export type ReadyInfo = Omit<Extract<FromWorker, { type: 'ready' }>, 'type'>;

export interface DigitsState {
  ready: ReadyInfo | null;
  error: string | null;
  hidden: HiddenSize;
  playing: boolean;
  step: number;
  epoch: number;
  stepsPerSecond: number;
  secondsPerEpoch: number;
  points: ChartPoint[];
  /** Per step: the step, ‖∂J/∂W¹‖, ‖∂J/∂W²‖. */
  norms: { step: number[]; first: number[]; second: number[] };
  weights: { hidden: number; change: boolean; data: Float32Array } | null;
  unit: UnitView | null;
  selection: Selection;
  probabilities: number[] | null;
  /** The drawn digit as the network sees it (28 × 28), or null. */
  drawn: Float32Array | null;
  receive(message: FromWorker): void;
  setHidden(hidden: HiddenSize): void;
  setSelection(selection: Selection): void;
  setDrawn(pixels: Float32Array | null): void;
  /** Forgets the chart, the norms and the views (after a reset; the worker sends them afresh). */
  clearRun(): void;
}

/** The norms kept for the chart: the most recent steps (older ones are thinned to every other). */
const MAX_NORMS = 20_000;

function appendNorms(norms: DigitsState['norms'], packed: Float64Array): DigitsState['norms'] {
  if (packed.length === 0) return norms;
  let { step, first, second } = norms;
  step = step.slice();
  first = first.slice();
  second = second.slice();
  for (let i = 0; i + 2 < packed.length; i += 3) {
    step.push(packed[i] as number);
    first.push(packed[i + 1] as number);
    second.push(packed[i + 2] as number);
  }
  if (step.length > MAX_NORMS) {
    const keep = (_: number, i: number) => i % 2 === 0;
    step = step.filter(keep);
    first = first.filter(keep);
    second = second.filter(keep);
  }
  return { step, first, second };
}

export const useDigits = create<DigitsState>((set, get) => ({
  ready: null,
  error: null,
  hidden: DEFAULT_HIDDEN,
  playing: false,
  step: 0,
  epoch: 0,
  stepsPerSecond: 0,
  secondsPerEpoch: 0,
  points: [],
  norms: { step: [], first: [], second: [] },
  weights: null,
  unit: null,
  selection: { unit: 0, pixel: 14 * 28 + 14 },
  probabilities: null,
  drawn: null,
  receive(message) {
    switch (message.type) {
      case 'ready': {
        const { type: _, ...info } = message;
        set({ ready: info, hidden: info.hidden });
        break;
      }
      case 'progress': {
        const p: Progress = message.progress;
        const s = get();
        set({
          playing: p.playing,
          step: p.step,
          epoch: p.epoch,
          stepsPerSecond: p.stepsPerSecond,
          secondsPerEpoch: p.secondsPerEpoch,
          points: p.points.length > 0 ? [...s.points, ...p.points] : s.points,
          norms: appendNorms(s.norms, p.norms),
        });
        break;
      }
      case 'weights':
        set({ weights: { hidden: message.hidden, change: message.change, data: message.data } });
        break;
      case 'unit':
        set({ unit: message.view });
        break;
      case 'prediction':
        set({ probabilities: message.probabilities });
        break;
      case 'error':
        set({ error: message.message, playing: false });
        break;
    }
  },
  setHidden: (hidden) => set({ hidden }),
  setSelection: (selection) => set({ selection }),
  setDrawn: (drawn) => set({ drawn }),
  clearRun: () =>
    set({ points: [], norms: { step: [], first: [], second: [] }, step: 0, epoch: 0, stepsPerSecond: 0 }),
}));
