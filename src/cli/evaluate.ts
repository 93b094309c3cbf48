/**
 * `evaluate`: load a saved model, score a CSV file with the same layout, print per-task AUC and
 * logloss as JSON, and optionally write a predictions CSV.
 */
import * as tf from '@tensorflow/tfjs';
import { allRows } from '../engine/data/dataset';
import { deserializeModel } from '../engine/io/modelFile';
import { ScoringLayoutError, prepareForModel } from '../engine/io/predict';
import { metricsByTask, predictionsCsv } from '../engine/io/results';
import { useNodeBackend } from '../engine/testing/nodeBackend';
import { Trainer, defaultTrainConfig } from '../engine/train/trainer';
import type { EvaluateArgs } from './args';
import { loadCsv } from './data';
import { CliError, readModelDir, writeText } from './files';
import type { CliIO } from './progress';
import { Reporter } from './progress';

export async function runEvaluate(args: EvaluateArgs, io: CliIO): Promise<number> {
  // Progress goes to stderr so that stdout holds only the JSON result.
  const reporter = new Reporter(io.stderr);
  const { jsonText, weights } = await readModelDir(args.modelDir);
  await useNodeBackend(args.backend);
  const loaded = deserializeModel(jsonText, weights);
  const { model, scaling, taskNames } = loaded;
  try {
    const parsed = await loadCsv(
      args.data,
      {
        maxRows: args.maxRows,
        labels: taskNames.length,
        labelNames: taskNames,
        categorical: loaded.vocabulary?.columns.map((c) => c.name),
      },
      reporter,
    );
    let data = parsed.dataset;
    try {
      // Categorical columns: the saved vocabulary's ids (unseen values → 0).
      data = prepareForModel(data, loaded);
    } catch (e) {
      if (e instanceof ScoringLayoutError) throw new CliError(`${args.data}: ${e.message}`);
      throw e;
    }
    if (data.features.length !== model.config.numFeatures) {
      throw new CliError(
        `${args.data}: ${data.features.length} feature columns, the model expects ${model.config.numFeatures}`,
      );
    }
    const rows = allRows(data);
    const config = {
      ...defaultTrainConfig(),
      ...(args.batchSize !== undefined ? { batchSize: args.batchSize } : {}),
    };
    // The trainer owns batching and the metric code; scoring only, no step is taken.
    const trainer = new Trainer({ model, scaling, train: rows }, config);
    try {
      const metrics = await trainer.evaluate(rows);
      if (args.out) {
        const probs = await trainer.predict(rows);
        const labels = data.labels.map((col) => Uint8Array.from(rows.rows, (r) => col[r]));
        await writeText(args.out, predictionsCsv(taskNames, labels, probs));
        reporter.line(`wrote ${args.out}`);
      }
      const out = {
        model: model.config.model,
        data: args.data,
        rows: rows.rows.length,
        backend: tf.getBackend(),
        metrics: metricsByTask(taskNames, metrics),
      };
      io.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return 0;
    } finally {
      trainer.dispose();
    }
  } finally {
    model.dispose();
  }
}
