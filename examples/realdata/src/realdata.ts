/**
 * The built `chainrule` command on the real data sets in ../data: train on train.csv, score on test.csv with
 * `chainrule evaluate`, and read the held-out accuracy (classification) or R² (regression) from its report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** examples/realdata/data: the CSVs and scikit-learn's scores (written once by scripts/make-csvs.py). */
export const dataDir = fileURLToPath(new URL('../data/', import.meta.url));

/** The built CLI, found through this package's dependency on @chainrule/cli (so the build order follows). */
export const cliMain = (() => {
  const pkg = createRequire(import.meta.url).resolve('@chainrule/cli/package.json');
  const { bin } = JSON.parse(readFileSync(pkg, 'utf8')) as { bin: { chainrule: string } };
  return path.join(path.dirname(pkg), bin.chainrule);
})();

/** The data sets, in the order of the README's table. */
export const datasetNames = ['iris', 'wine', 'breast_cancer', 'diabetes'] as const;
export type DatasetName = (typeof datasetNames)[number];

/** What scripts/make-csvs.py recorded for one data set (data/sklearn-scores.json). */
export interface SklearnScores {
  task: 'classification' | 'regression';
  target: string;
  train_rows: number;
  test_rows: number;
  metric: 'accuracy' | 'r2';
  /** MLPClassifier / MLPRegressor, hidden (16,), random_state 0, on StandardScaler features. */
  mlp_random_state_0: number;
  mlp_random_states_0_to_4: number[];
  mlp_mean: number;
  logistic_regression?: number;
  linear_regression?: number;
}

export function sklearnScores(): Record<DatasetName, SklearnScores> {
  const doc = JSON.parse(readFileSync(path.join(dataDir, 'sklearn-scores.json'), 'utf8')) as {
    datasets: Record<DatasetName, SklearnScores>;
  };
  return doc.datasets;
}

/** One run: train's stdout and stderr, evaluate's report, and the held-out score it states. */
export interface Run {
  /** Held-out accuracy (0…1) or R². */
  score: number;
  train: { out: string; err: string };
  report: string;
  seconds: number;
}

function chainrule(args: readonly string[], cwd: string): { out: string; err: string } {
  const r = spawnSync(process.execPath, [cliMain, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`chainrule ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  }
  return { out: r.stdout, err: r.stderr };
}

/**
 * `chainrule train <name>/train.csv --target <target> [extra…]`, then `chainrule evaluate` on test.csv, in a
 * temporary directory. With no `extra`, the CLI's defaults.
 */
export function trainAndEvaluate(name: DatasetName, extra: readonly string[] = []): Run {
  const cwd = mkdtempSync(path.join(os.tmpdir(), `chainrule-realdata-${name}-`));
  const { target } = sklearnScores()[name];
  const started = performance.now();
  const train = chainrule(
    [
      'train',
      path.join(dataDir, name, 'train.csv'),
      '--target',
      target,
      '--no-progress',
      '--out',
      'model.json',
      ...extra,
    ],
    cwd,
  );
  const report = chainrule(['evaluate', 'model.json', path.join(dataDir, name, 'test.csv')], cwd).out;
  const seconds = (performance.now() - started) / 1000;
  const accuracy = /^accuracy (\d+(?:\.\d+)?)% \((\d+) of (\d+)\)$/m.exec(report);
  const r2 = /^R²\s+(-?\d+(?:\.\d+)?)$/m.exec(report);
  const score = accuracy ? Number(accuracy[2]) / Number(accuracy[3]) : r2 ? Number(r2[1]) : Number.NaN;
  if (!Number.isFinite(score)) throw new Error(`no accuracy or R² in the report of ${name}:\n${report}`);
  return { score, train, report, seconds };
}
