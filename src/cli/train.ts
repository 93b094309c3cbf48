/**
 * `train`: read data, build the model (preset and/or flags), train with validation-based model
 * selection, then write metrics.jsonl, summary.json, predictions.csv and the saved model.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { allRows, featureNames } from '../engine/data/dataset';
import { randomSplit } from '../engine/data/split';
import { fitScaling } from '../engine/data/scaling';
import type { ParseResult, RowSet } from '../engine/data/types';
import {
  applyVocabulary,
  buildVocabulary,
  categoricalModelInputs,
  defaultEmbeddingDim,
  type Vocabulary,
} from '../engine/data/vocabulary';
import { deserializeModel, serializeModel } from '../engine/io/modelFile';
import { paddleRecConfig } from '../engine/io/paddlerec';
import { epochRecord, metricsByTask, predictionsCsv } from '../engine/io/results';
import { createModel, defaultModelConfig } from '../engine/models/registry';
import { PRESETS, resolvePreset } from '../engine/models/presets';
import type { ModelConfig, ModelName } from '../engine/models/types';
import { useNodeBackend } from '../engine/testing/nodeBackend';
import { Trainer, defaultTrainConfig } from '../engine/train/trainer';
import type { TrainConfig } from '../engine/train/types';
import { describeWarmStart, warmStart, type WarmStartReport } from '../engine/train/warmStart';
import type { TrainArgs } from './args';
import { UsageError } from './args';
import { checkSameLayout, loadCsv } from './data';
import {
  LineWriter,
  readModelDir,
  resolveDataFiles,
  writeJson,
  writeModelDir,
  writeText,
} from './files';
import type { CliIO } from './progress';
import { Reporter, fmt, fmtInt } from './progress';

/** `runs/<model>-<yyyymmdd-hhmmss>` in local time. */
function defaultOutDir(model: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-` +
    `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return path.join('runs', `${model}-${stamp}`);
}

/** Model and training settings: preset (if any) < defaults for what it leaves open < flags. */
export function resolveSettings(
  args: TrainArgs,
  numFeatures: number,
  numTasks: number,
): { modelConfig: ModelConfig; trainConfig: TrainConfig } {
  let modelConfig: ModelConfig;
  let presetTrain: Partial<TrainConfig> = {};
  if (args.preset !== undefined) {
    if (!(args.preset in PRESETS)) {
      throw new UsageError(
        `--preset must be one of ${Object.keys(PRESETS).join(', ')}, got "${args.preset}"`,
      );
    }
    const preset = resolvePreset(args.preset, numFeatures, numTasks);
    modelConfig = preset.model;
    presetTrain = preset.train;
    if (args.model !== undefined && args.model !== modelConfig.model) {
      // An explicit --model wins: keep the preset's training settings, use that model's defaults.
      modelConfig = defaultModelConfig(args.model, numFeatures, numTasks);
    }
  } else {
    modelConfig = defaultModelConfig(args.model as ModelName, numFeatures, numTasks);
  }
  modelConfig = { ...modelConfig, seed: args.seed };
  const trainConfig: TrainConfig = {
    ...defaultTrainConfig(),
    ...presetTrain,
    seed: args.seed,
    ...(args.epochs !== undefined ? { epochs: args.epochs } : {}),
    ...(args.batchSize !== undefined ? { batchSize: args.batchSize } : {}),
    ...(args.lr !== undefined ? { learningRate: args.lr } : {}),
    ...(args.patience !== undefined ? { earlyStoppingPatience: args.patience } : {}),
  };
  return { modelConfig, trainConfig };
}

function labelsOf(rows: RowSet): Uint8Array[] {
  return rows.data.labels.map((col) => {
    const out = new Uint8Array(rows.rows.length);
    for (let i = 0; i < out.length; i++) out[i] = col[rows.rows[i]];
    return out;
  });
}

export async function runTrain(args: TrainArgs, io: CliIO): Promise<number> {
  const started = Date.now();
  const reporter = new Reporter(io.stdout);
  const files = resolveDataFiles(args.data);
  const loadOpts = {
    maxRows: args.maxRows,
    labels: args.labels,
    labelNames: args.labelNames,
    categorical: args.categorical,
  };

  const trainParsed = await loadCsv(files.train, loadOpts, reporter);
  const trainData = trainParsed.dataset;
  const loadOther = async (file: string | undefined): Promise<ParseResult | undefined> => {
    if (!file) return undefined;
    const parsed = await loadCsv(file, loadOpts, reporter);
    checkSameLayout(trainParsed, files.train, parsed, file);
    return parsed;
  };
  const valParsed = await loadOther(files.val);
  const testParsed = await loadOther(files.test);

  // Whatever the files do not provide comes from a seeded split of the training file.
  let train: RowSet = allRows(trainData);
  let val: RowSet | undefined = valParsed && allRows(valParsed.dataset);
  let test: RowSet | undefined = testParsed && allRows(testParsed.dataset);
  if (!val || !test) {
    const fractions = { val: val ? 0 : args.valFraction, test: test ? 0 : args.testFraction };
    const split = randomSplit(trainData, fractions, args.seed);
    train = split.train;
    val ??= fractions.val > 0 ? split.val : undefined;
    test ??= fractions.test > 0 ? split.test : undefined;
    reporter.line(
      `seeded split of ${path.basename(files.train)} (seed ${args.seed}): train ${fmtInt(train.rows.length)}` +
        (fractions.val > 0 ? `, val ${fmtInt(split.val.rows.length)}` : '') +
        (fractions.test > 0 ? `, test ${fmtInt(split.test.rows.length)}` : ''),
    );
  }
  if (train.rows.length === 0) throw new UsageError('no training rows left after the split');

  // Categorical columns: a vocabulary of the training rows; other values become id 0 everywhere.
  let vocabulary: Vocabulary | undefined;
  if (trainData.categorical && trainData.categorical.length > 0) {
    const vocab = buildVocabulary(train);
    const mapped = new Map<object, RowSet['data']>();
    const remap = (rs: RowSet): RowSet => {
      let data = mapped.get(rs.data);
      if (!data) {
        data = applyVocabulary(rs.data, vocab);
        mapped.set(rs.data, data);
      }
      return { data, rows: rs.rows };
    };
    train = remap(train);
    val = val && remap(val);
    test = test && remap(test);
    vocabulary = vocab;
    reporter.line(
      'vocabulary of the training rows: ' +
        vocab.columns.map((c) => `${c.name} ${fmtInt(c.tokens.length)} values`).join(', '),
    );
  }

  const taskNames = trainData.taskNames;
  const numFeatures = trainData.features.length;
  const settings = resolveSettings(args, numFeatures, taskNames.length);
  const { trainConfig } = settings;
  const modelConfig: ModelConfig = vocabulary
    ? {
        ...settings.modelConfig,
        inputs: categoricalModelInputs(vocabulary, args.embeddingDim ?? defaultEmbeddingDim),
      }
    : settings.modelConfig;
  const scaling = fitScaling(train, args.scaling);

  await useNodeBackend(args.backend);
  const backend = tf.getBackend();
  const model = createModel(modelConfig);
  let warm: WarmStartReport | undefined;
  if (args.warmStartFrom) {
    const saved = await readModelDir(args.warmStartFrom);
    const from = deserializeModel(saved.jsonText, saved.weights);
    try {
      warm = warmStart(from.model, model, args.warmStartMode);
    } finally {
      from.model.dispose();
    }
    for (const line of describeWarmStart(warm)) reporter.line(line);
  }
  const outDir = args.out ?? defaultOutDir(modelConfig.model);
  reporter.line(
    `${modelConfig.model}${args.preset ? ` (preset ${args.preset})` : ''}: ${fmtInt(model.parameterCount())} parameters, ` +
      `batch ${trainConfig.batchSize}, lr ${trainConfig.learningRate}, ${trainConfig.epochs} epochs, backend ${backend}, out ${outDir}`,
  );

  const metrics = new LineWriter(path.join(outDir, 'metrics.jsonl'));
  const trainer = new Trainer({ model, scaling, train, val, test }, trainConfig, {
    onProgress: (p) => {
      const loss = taskNames.map((t, i) => `${t} ${fmt(p.loss[i])}`).join(' ');
      reporter.status(
        `epoch ${p.epoch}/${trainConfig.epochs} step ${p.step}/${p.stepsPerEpoch}  loss ${loss}  ${fmtInt(p.samplesPerSec)} samples/s`,
      );
    },
    onEpoch: (e) => {
      void metrics.append(JSON.stringify(epochRecord(taskNames, e)));
      const loss = taskNames.map((t, i) => `${t} ${fmt(e.trainLoss[i])}`).join(' ');
      const valAuc = e.val
        ? '  val AUC ' + taskNames.map((t, i) => `${t} ${fmt(e.val?.tasks[i].auc)}`).join(' ')
        : '';
      reporter.line(
        `epoch ${e.epoch}/${trainConfig.epochs}  loss ${loss}${valAuc}  ${fmtInt(e.samplesPerSec)} samples/s  ` +
          `${(e.elapsedMs / 1000).toFixed(1)} s${e.isBest ? '  *best' : ''}`,
      );
    },
  });

  try {
    const result = await trainer.run();
    await metrics.flush();
    // After run() the model holds the best epoch's weights: predictions and the saved model use them.
    const testProbs = test ? await trainer.predict(test) : undefined;
    const best = result.epochs.find((e) => e.epoch === result.bestEpoch);

    const { json, weights } = await serializeModel({
      model,
      scaling,
      taskNames,
      featureNames: featureNames(trainData),
      metadata: { trainConfig, preset: args.preset ?? null, bestEpoch: result.bestEpoch, backend },
      ...(vocabulary ? { vocabulary } : {}),
    });
    await writeModelDir(path.join(outDir, 'model'), json, weights);
    // The bridge to scale: the same model and settings for PaddleRec (it has no single-task model).
    if (modelConfig.model !== 'single_task') {
      await writeText(
        path.join(outDir, 'config_bigdata.yaml'),
        paddleRecConfig({ modelConfig, train: trainConfig }),
      );
    }
    if (test && testProbs) {
      await writeText(
        path.join(outDir, 'predictions.csv'),
        predictionsCsv(taskNames, labelsOf(test), testProbs),
      );
    }
    const summary = {
      model: modelConfig.model,
      preset: args.preset ?? null,
      modelConfig,
      trainConfig,
      parameterCount: model.parameterCount(),
      status: result.status,
      epochsRun: result.epochs.length,
      bestEpoch: result.bestEpoch,
      val: best?.val ? metricsByTask(taskNames, best.val) : null,
      test: result.test ? metricsByTask(taskNames, result.test) : null,
      samplesPerSec: Math.round(result.samplesPerSec),
      backend,
      data: {
        train: path.resolve(files.train),
        val: files.val ? path.resolve(files.val) : null,
        test: files.test ? path.resolve(files.test) : null,
        split:
          files.val && files.test
            ? 'files'
            : { seed: args.seed, valFraction: args.valFraction, testFraction: args.testFraction },
        maxRows: args.maxRows ?? null,
        scaling: scaling.mode,
      },
      rows: { train: train.rows.length, val: val?.rows.length ?? 0, test: test?.rows.length ?? 0 },
      skippedRows: {
        train: trainParsed.skipped.count,
        val: valParsed?.skipped.count ?? 0,
        test: testParsed?.skipped.count ?? 0,
      },
      taskNames,
      seed: args.seed,
      warmStart: warm
        ? {
            from: path.resolve(args.warmStartFrom ?? ''),
            mode: warm.mode,
            loaded: warm.loaded.map((e) => (e.partial ? `${e.name} (partial)` : e.name)),
            new: warm.new.map((e) => e.name),
            skipped: warm.skipped.map((e) => `${e.name} (${e.reason})`),
          }
        : null,
      trainElapsedMs: Math.round(result.elapsedMs),
      elapsedMs: Date.now() - started,
    };
    await writeJson(path.join(outDir, 'summary.json'), summary);

    const testLine = result.test
      ? 'test ' +
        taskNames
          .map(
            (t, i) =>
              `${t} AUC ${fmt(result.test?.tasks[i].auc)} logloss ${fmt(result.test?.tasks[i].logloss)}`,
          )
          .join(', ')
      : 'no test set';
    reporter.line(
      `${result.status}: best epoch ${result.bestEpoch} (on ${val ? 'validation' : 'last epoch'}), ${testLine}, ` +
        `${fmtInt(result.samplesPerSec)} samples/s`,
    );
    reporter.line(
      `wrote ${outDir}/{metrics.jsonl, summary.json${test ? ', predictions.csv' : ''}` +
        `${modelConfig.model !== 'single_task' ? ', config_bigdata.yaml' : ''}, model/}`,
    );
    return 0;
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
