import { create } from 'zustand';
import { labelProblem } from '../data/csv';
import { generatePoints, type Point, splitPoints } from '../data/datasets';
import type { Inspection, InspectTarget, IterationTrace, KernelChoice, Snapshot } from '../worker/protocol';
import {
  type Config,
  consistencyProblem,
  type DatasetName,
  datasetProblem,
  defaultConfig,
  firstDatasetOf,
  layerActivation,
  normalAlphas,
  normalDropout,
  normalOutputAlpha,
  outputFor,
  type ProblemType,
  problemLabels,
  problemOf,
} from './config';
import { readLink } from './link';

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

/** The data as it was before a change the user can undo. */
export interface DataEntry {
  custom: Point[];
  dataset: DatasetName;
  problem: ProblemType;
}

/** The side panel's tabs. */
export type PanelTab = 'inspector' | 'step' | 'derivation';

/** A place on the network diagram, by the page's Dense-layer index (layer −1: the input features, by position). */
export interface HighlightNode {
  layer: number;
  unit: number;
}
export interface HighlightLink {
  layer: number;
  from: number;
  to: number;
}
/** Where a derivation term lives on the diagram: the neurons and links it drew from, outlined while it is hovered. */
export interface Highlight {
  nodes: HighlightNode[];
  links: HighlightLink[];
}

/**
 * The step-through's backward flow on the diagram: per Dense layer, each link's and each neuron's glow in [0, 1]
 * (the size of its gradient, scaled over the lit layers), or null for a layer the backward pass has not reached.
 * `links[l][i·units + j]` is the link from unit i into unit j of layer l.
 */
export interface StepGlow {
  links: (number[] | null)[];
  nodes: (number[] | null)[];
  /** The layer the current stage is at (its glow is drawn strongest). */
  current: number;
}

/** How many data changes Undo can take back. */
export const UNDO_LIMIT = 100;

export interface PlaygroundState {
  config: Config;
  /** A message for the user: a bad link, a rejected file, a training error. */
  notice: string | null;
  /** The custom dataset's points (used when `config.dataset` is 'custom'). */
  custom: Point[];
  /** The data before each undoable change (a click, a CSV import, a clear, a problem-type conversion), oldest first. */
  undo: DataEntry[];
  /** The class a click on the output adds, for a multi-class problem. */
  clickClass: number;
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
  /** Which view the side panel shows: the inspector, the step-through, or the derivation. */
  panel: PanelTab;
  /** The seed derivation the derivation panel shows (a preset's id), or null for the generic one. */
  derivationSeed: string | null;
  /** The training example (row) the derivation panel substitutes. */
  derivationExample: number;
  /** The diagram places of the derivation term under the pointer or focus. */
  highlight: Highlight | null;
  /** The backward flow the step-through shows on the diagram. */
  stepGlow: StepGlow | null;
  setDerivationExample(example: number): void;
  setHighlight(highlight: Highlight | null): void;
  setStepGlow(glow: StepGlow | null): void;
  setPanel(panel: PanelTab): void;
  setDerivationSeed(seed: string | null): void;
  update(changes: Partial<Config>): void;
  setNotice(notice: string | null): void;
  /** Makes `points` the custom dataset (of `problem`, else the current type); undoable. */
  setCustom(points: Point[], problem?: ProblemType): void;
  /** Adds a point to a copy of the current data (built-in points included), which becomes the custom dataset. */
  addPoint(point: Point): void;
  /** Takes back the last data change; false when there is none. */
  undoData(): boolean;
  /** Switches the problem type: to a built-in dataset of that type, or for custom data converts the labels. */
  setProblem(problem: ProblemType): void;
  setClickClass(c: number): void;
  /** Takes a link read on a hash change: its config and custom points. */
  applyLink(config: Config, custom: Point[]): void;
  regenerate(): void;
  applySnapshot(snapshot: Snapshot): void;
  select(target: InspectTarget | null): void;
  addIteration(trace: IterationTrace): void;
  scrub(traceIndex: number, stage: number): void;
}

function derive(config: Config, custom: Point[]) {
  const points = generatePoints(config, custom);
  const { train, test } = splitPoints(points, config.trainRatio, config.seed, config.dataset === 'custom');
  return { points, train, test };
}

function initial(): { config: Config; custom: Point[]; notice: string | null } {
  if (typeof location === 'undefined') return { config: defaultConfig, custom: [], notice: null };
  let storage: Storage | null = null;
  try {
    storage = typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    storage = null;
  }
  return readLink(location.hash, storage);
}

const start = initial();

function entryOf(s: PlaygroundState): DataEntry {
  return { custom: s.custom, dataset: s.config.dataset, problem: problemOf(s.config) };
}

function pushed(s: PlaygroundState): DataEntry[] {
  return [...s.undo, entryOf(s)].slice(-UNDO_LIMIT);
}

/**
 * The state for new data: the custom points, the dataset and the problem type; a new problem type brings its
 * output and loss and a fresh network, the same type keeps the weights (the network's shape does not change).
 */
function withData(
  s: PlaygroundState,
  custom: Point[],
  dataset: DatasetName,
  problem: ProblemType,
): Partial<PlaygroundState> {
  const before = s.config;
  let config: Config = {
    ...before,
    dataset,
    problem: dataset === 'custom' ? problem : datasetProblem[dataset],
  };
  const typeChanged = problemOf(config) !== problemOf(before);
  if (typeChanged || consistencyProblem(config)) config = { ...config, ...outputFor(problemOf(config)) };
  return {
    custom,
    config,
    ...derive(config, custom),
    revision: { n: s.revision.n + 1, keepWeights: !typeChanged },
    ...(typeChanged ? { history: [], iterations: [], traceIndex: 0, stage: 0 } : {}),
  };
}

/** A label converted to another problem type (only when it does not fit as it is). */
function convertLabel(label: number, from: ProblemType, to: ProblemType): number {
  if (labelProblem(label, to) === null) return label;
  if (to === 'binary') return from === 'multi' ? (label === 0 ? 0 : 1) : label > 0 ? 1 : 0;
  if (to === 'multi') return label > 0 ? 1 : 0;
  // to regression: class 0 → −1, class 1 → 1, class 2 → 0
  return label === 0 ? -1 : label === 1 ? 1 : 0;
}

export const usePlayground = create<PlaygroundState>((set, get) => ({
  config: start.config,
  notice: start.notice,
  custom: start.custom,
  undo: [],
  clickClass: 1,
  ...derive(start.config, start.custom),
  snapshot: null,
  history: [],
  kernels: null,
  selection: null,
  inspection: null,
  iterations: [],
  traceIndex: 0,
  stage: 0,
  panel: 'inspector',
  derivationSeed: null,
  setPanel(panel) {
    set({ panel });
  },
  setDerivationSeed(derivationSeed) {
    set({ derivationSeed });
  },
  derivationExample: 0,
  highlight: null,
  stepGlow: null,
  setDerivationExample(derivationExample) {
    set({ derivationExample: Math.max(0, Math.floor(derivationExample)) });
  },
  setHighlight(highlight) {
    set({ highlight });
  },
  setStepGlow(stepGlow) {
    set({ stepGlow });
  },
  revision: { n: 0, keepWeights: false },

  update(changes) {
    const before = get().config;
    let next: Config = { ...before, ...changes };
    // A built-in dataset decides the problem type.
    if (next.dataset !== 'custom') next.problem = datasetProblem[next.dataset];
    // Switching between classification, multi-class and regression brings the output and loss that fit.
    if ((changes.dataset || changes.problem) && !changes.output) {
      if (problemOf(next) !== problemOf(before) || consistencyProblem(next))
        next = { ...next, ...outputFor(problemOf(next)) };
    }
    if (changes.hidden) next.layerActivations = next.layerActivations.slice(0, changes.hidden.length);
    next.dropout = normalDropout(next.dropout, next.hidden.length);
    // An α belongs to the activation it was set for: a layer whose activation changes starts from the new one's default.
    next.alphas = next.hidden.map((_, i) =>
      layerActivation(next, i) === layerActivation(before, i) ? (next.alphas[i] ?? null) : null,
    );
    if (next.output !== before.output) next.outputAlpha = null;
    next.alphas = normalAlphas(next);
    next.outputAlpha = normalOutputAlpha(next);
    const problem = consistencyProblem(next);
    if (problem) {
      set({ notice: `That combination does not work: ${problem}.` });
      return;
    }
    const changed = (Object.keys(next) as (keyof Config)[]).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]),
    );
    if (changed.length === 0) return;
    const dataChanged = changed.some((k) =>
      ['dataset', 'problem', 'noise', 'trainRatio', 'seed'].includes(k),
    );
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

  setCustom(points, problem) {
    set((s) => ({
      undo: pushed(s),
      ...withData(s, points, 'custom', problem ?? problemOf(s.config)),
    }));
  },

  addPoint(point) {
    set((s) => {
      // The built-in points (three decimals, see generatePoints) and the new one.
      const next = withData(s, [...s.points, point], 'custom', problemOf(s.config));
      // A point the user adds is always on show: when it falls in the test set, test data is shown too.
      const inTest = next.test?.[next.test.length - 1] === next.points?.[next.points.length - 1];
      if (inTest && next.config && !next.config.showTest) next.config = { ...next.config, showTest: true };
      return { undo: pushed(s), ...next };
    });
  },

  undoData() {
    const s = get();
    const last = s.undo[s.undo.length - 1];
    if (!last) return false;
    set({ undo: s.undo.slice(0, -1), ...withData(s, last.custom, last.dataset, last.problem), notice: null });
    return true;
  },

  setProblem(problem) {
    const s = get();
    const from = problemOf(s.config);
    if (problem === from) return;
    if (s.config.dataset !== 'custom') {
      get().update({ dataset: firstDatasetOf[problem] });
      return;
    }
    const changedLabels = s.custom.filter((p) => labelProblem(p.label, problem) !== null).length;
    const custom = s.custom.map((p) => ({ ...p, label: convertLabel(p.label, from, problem) }));
    set({
      undo: pushed(s),
      ...withData(s, custom, 'custom', problem),
      notice:
        changedLabels > 0
          ? `${problemLabels[problem]}: ${changedLabels} of the ${custom.length} points’ labels were converted; Undo brings them back.`
          : null,
    });
  },

  setClickClass(c) {
    set({ clickClass: c });
  },

  applyLink(config, custom) {
    const s = get();
    const pointsChanged = config.dataset === 'custom' && JSON.stringify(custom) !== JSON.stringify(s.custom);
    if (pointsChanged) set({ undo: pushed(s), ...withData(s, custom, 'custom', problemOf(config)) });
    get().update(config);
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
