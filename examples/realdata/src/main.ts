/**
 * Prints the README's table: for each data set, the CLI's held-out score before (--no-standardize) and after (the
 * defaults), and scikit-learn's. `pnpm build && pnpm start` (after building packages/cli).
 */
import { datasetNames, sklearnScores, trainAndEvaluate } from './realdata.js';

const sklearn = sklearnScores();
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const rows = [
  '| data set | metric (test rows) | before: `--no-standardize` | after: defaults | scikit-learn MLP (16,), random_state 0 [0–4] | scikit-learn linear |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const name of datasetNames) {
  const s = sklearn[name];
  const show = s.metric === 'accuracy' ? pct : (v: number) => v.toFixed(3);
  const before = trainAndEvaluate(name, ['--no-standardize']).score;
  const after = trainAndEvaluate(name).score;
  const range = `${show(Math.min(...s.mlp_random_states_0_to_4))}–${show(Math.max(...s.mlp_random_states_0_to_4))}`;
  const linear = s.logistic_regression ?? s.linear_regression ?? Number.NaN;
  rows.push(
    `| ${name} | ${s.metric === 'accuracy' ? 'accuracy' : 'R²'} (${s.test_rows}) | ${show(before)} | ${show(after)} | ${show(s.mlp_random_state_0)} [${range}] | ${show(linear)} |`,
  );
}
console.log(rows.join('\n'));
