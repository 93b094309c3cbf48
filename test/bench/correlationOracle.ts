/**
 * `npx tsx test/bench/correlationOracle.ts [rows] [seeds]`: the floor of the correlation
 * experiment. Its labels are Bernoulli(sigmoid(y)) draws, so no model can beat the true
 * probabilities sigmoid(y). For ρ = 1, 0.9, 0.5, 0 and seeds 1..N, this scores them on the same
 * test split as `npm run cli -- experiment correlation --rows R` (generateData, same seed) and
 * prints the mean test log loss and AUC over both tasks and the seeds.
 */
import { correlatedRegression } from '../../src/engine/data/synthetic';
import { generateData } from '../../src/engine/experiments/runner';
import { exactAuc } from '../../src/engine/metrics/auc';

const rows = Number(process.argv[2] ?? 8000);
const seeds = Number(process.argv[3] ?? 3);
if (!(Number.isInteger(rows) && rows >= 10 && Number.isInteger(seeds) && seeds >= 1)) {
  console.error('usage: correlationOracle.ts [rows ≥ 10] [seeds ≥ 1]');
  process.exit(2);
}
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

for (const rho of [1, 0.9, 0.5, 0]) {
  const loss: number[] = [];
  const auc: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const { test } = generateData({ kind: 'correlated', rows, correlation: rho, seed });
    const { targets } = correlatedRegression({ rows, correlation: rho, seed });
    if (!test) throw new Error('generateData returned no test split');
    const idx = Array.from(test.rows);
    for (let t = 0; t < targets.length; t++) {
      const p = idx.map((r) => 1 / (1 + Math.exp(-targets[t][r])));
      const y = idx.map((r) => test.data.labels[t][r]);
      auc.push(exactAuc(p, y));
      loss.push(-mean(y.map((l, i) => (l ? Math.log(p[i]) : Math.log(1 - p[i])))));
    }
  }
  console.log(
    `ρ ${rho}: true-probability test log loss ${mean(loss).toFixed(4)}, AUC ${mean(auc).toFixed(4)}`,
  );
}
