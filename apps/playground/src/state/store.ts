import { create } from 'zustand';
import { generatePoints, type Point, splitPoints } from '../data/datasets';
import type { Inspection, InspectTarget, IterationTrace, KernelChoice, Snapshot } from '../worker/protocol';
import { type Config, consistencyProblem, defaultConfig, fromHash, normalDropout, outputFor } from './config';

/**
 * Fields whose change keeps the trained weights (they only change how training continues or what is shown).
 * Dropout is among them: its layers have no parameters, so the Dense layers' weights carry over.
 */
const keepsWeights: (keyof Config)[] = [
  'learningRate',
  'optimizer',
  'regularization',
  'regularizationRate',
  'batchSize',
  'dropout',
];
/** Fields that only change the view. */
const viewOnly: (keyof Config)[] = ['discretize', 'showTest', 'gradientView', 'kernels', 'speed'];

export interface HistoryPoint {
  epoch: number;
  train: number;
  test: number;
}

export interface PlaygroundState {
  config: Config;
  /** A message for the user: a bad link, a rejected file, a training error. */
  notice: string | null;
  custom: Point[];
  points: Point[];
  train: Point[];
  test: Point[];
  snapshot: Snapshot | null;
  history: HistoryPoint[];
  kernels: { active: KernelChoice; variant: string; wasmError: string | null } | null;
  selection: InspectTarget | null;
  inspection: Inspection | null;
  iterations: IterationTrace[];
  /** Which iteration and which stage of it the step-through view shows. */
  traceIndex: number;
  stage: number;
  /** Bumped when the network must be rebuilt or reconfigured in the worker. */
  revision: { n: number; keepWeights: boolean };
  update(changes: Partial<Config>): void;
  setNotice(notice: string | null): void;
  setCustom(points: Point[]): void;
  regenerate(): void;
  applySnapshot(snapshot: Snapshot): void;
  select(target: InspectTarget | null): void;
  addIteration(trace: IterationTrace): void;
  scrub(traceIndex: number, stage: number): void;
}

function derive(config: Config, custom: Point[]) {
  const points = generatePoints(config, custom);
  const { train, test } = splitPoints(points, config.trainRatio, config.seed);
  return { points, train, test };
}

function initial(): { config: Config; notice: string | null } {
  if (typeof location === 'undefined') return { config: defaultConfig, notice: null };
  return fromHash(location.hash);
}

const start = initial();

export const usePlayground = create<PlaygroundState>((set, get) => ({
  config: start.config,
  notice: start.notice,
  custom: [],
  ...derive(start.config, []),
  snapshot: null,
  history: [],
  kernels: null,
  selection: null,
  inspection: null,
  iterations: [],
  traceIndex: 0,
  stage: 0,
  revision: { n: 0, keepWeights: false },

  update(changes) {
    const before = get().config;
    let next: Config = { ...before, ...changes };
    // Switching between classification, multi-class and regression brings the output and loss that fit.
    if (changes.dataset && changes.dataset !== before.dataset && !changes.output) {
      const kind = (d: string) => (d === 'multi' ? 'multi' : d.startsWith('reg-') ? 'reg' : 'class');
      if (kind(changes.dataset) !== kind(before.dataset) || consistencyProblem(next))
        next = { ...next, ...outputFor(changes.dataset) };
    }
    if (changes.hidden) next.layerActivations = next.layerActivations.slice(0, changes.hidden.length);
    next.dropout = normalDropout(next.dropout, next.hidden.length);
    const problem = consistencyProblem(next);
    if (problem) {
      set({ notice: `That combination does not work: ${problem}.` });
      return;
    }
    const changed = (Object.keys(next) as (keyof Config)[]).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]),
    );
    if (changed.length === 0) return;
    const dataChanged = changed.some((k) => ['dataset', 'noise', 'trainRatio', 'seed'].includes(k));
    const onlyView = changed.every((k) => viewOnly.includes(k));
    const keep = changed.every((k) => keepsWeights.includes(k) || viewOnly.includes(k));
    set((s) => ({
      config: next,
      ...(dataChanged ? derive(next, s.custom) : {}),
      ...(onlyView ? {} : { revision: { n: s.revision.n + 1, keepWeights: keep } }),
      ...(onlyView || keep ? {} : { history: [], iterations: [], traceIndex: 0, stage: 0 }),
      notice: null,
    }));
  },

  setNotice(notice) {
    set({ notice });
  },

  setCustom(points) {
    set((s) => {
      const config: Config = s.config.dataset === 'custom' ? s.config : { ...s.config, dataset: 'custom' };
      return {
        custom: points,
        config,
        ...derive(config, points),
        revision: { n: s.revision.n + 1, keepWeights: true },
      };
    });
  },

  regenerate() {
    get().update({ seed: (get().config.seed % 1_000_000) + 1 });
  },

  applySnapshot(snapshot) {
    set((s) => {
      // Heatmaps come at most 10 times a second; keep the last ones between.
      const merged =
        snapshot.heatmaps || !s.snapshot ? snapshot : { ...snapshot, heatmaps: s.snapshot.heatmaps };
      const last = s.history[s.history.length - 1];
      const history =
        snapshot.epoch === 0
          ? [{ epoch: 0, train: snapshot.lossTrain, test: snapshot.lossTest }]
          : last && last.epoch === snapshot.epoch
            ? s.history
            : [
                ...s.history,
                { epoch: snapshot.epoch, train: snapshot.lossTrain, test: snapshot.lossTest },
              ].slice(-2000);
      return { snapshot: merged, history };
    });
  },

  select(target) {
    set({ selection: target, inspection: target ? get().inspection : null });
  },

  addIteration(trace) {
    set((s) => {
      const iterations = [...s.iterations, trace].slice(-20);
      return { iterations, traceIndex: iterations.length - 1, stage: 0 };
    });
  },

  scrub(traceIndex, stage) {
    set({ traceIndex, stage });
  },
}));
