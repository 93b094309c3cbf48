/**
 * Bridge to scale: the experiment as a PaddleRec `config_bigdata.yaml` (models/multitask/
 * share_bottom, mmoe, ple), so the same model and settings can be trained on the full data with
 * `python -u ../../../tools/trainer.py -m config_bigdata.yaml` in that model's directory.
 *
 * A pure string builder (no YAML library). PaddleRec's census nets have ONE hidden layer per
 * bottom/expert/tower and linear gates; wider settings here are exported as the last width, and
 * everything that does not carry over is listed in comments at the top of the file.
 */
import type { ModelConfig } from '../models/types';

export interface PaddleRecExportInput {
  modelConfig: ModelConfig;
  train: { batchSize: number; epochs: number; learningRate: number };
  /** Data directories and the reader module, relative to the model's directory. */
  trainDataDir?: string;
  testDataDir?: string;
  readerPath?: string;
  /** Default true: the point of the export is a bigger machine. */
  useGpu?: boolean;
}

/** PaddleRec directory name of each model (single_task has none). */
export const PADDLEREC_MODEL_DIR: Partial<Record<ModelConfig['model'], string>> = {
  share_bottom: 'share_bottom',
  mmoe: 'mmoe',
  ple: 'ple',
};

type Value = string | number | boolean | string[];

/** A YAML scalar: numbers/booleans bare (Python-style True/False), strings double-quoted. */
function scalar(v: Value): string {
  if (Array.isArray(v)) return `[${v.map((s) => JSON.stringify(s)).join(', ')}]`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

const last = (xs: number[]): number | undefined => xs[xs.length - 1];

/**
 * The YAML text. @throws Error for single_task (PaddleRec's multitask models have no
 * single-task baseline) and for a model without the widths PaddleRec needs.
 */
export function paddleRecConfig(input: PaddleRecExportInput): string {
  const c = input.modelConfig;
  const dir = PADDLEREC_MODEL_DIR[c.model];
  if (!dir) {
    throw new Error(
      `PaddleRec's models/multitask has no ${c.model} model; export share_bottom, mmoe or ple.`,
    );
  }
  const notes: string[] = [];
  const towerSize = last(c.towerHidden);
  if (towerSize === undefined)
    throw new Error('PaddleRec towers need one hidden layer (tower_size).');
  if (c.towerHidden.length > 1) {
    notes.push(
      `towers here have layers [${c.towerHidden.join(', ')}]; PaddleRec uses one (${towerSize})`,
    );
  }
  const hyper: [string, Value][] = [['feature_size', c.numFeatures]];
  if (c.model === 'share_bottom') {
    const bottom = last(c.bottomHidden) ?? c.numFeatures;
    if (c.bottomHidden.length !== 1) {
      notes.push(
        `bottom here has layers [${c.bottomHidden.join(', ')}]; PaddleRec uses one (${bottom})`,
      );
    }
    hyper.push(['bottom_size', bottom], ['task_num', c.numTasks], ['tower_size', towerSize]);
  } else {
    const expertSize = last(c.expertHidden) ?? 1;
    if (c.expertHidden.length !== 1) {
      notes.push(
        `experts here have layers [${c.expertHidden.join(', ')}]; PaddleRec uses one (${expertSize})`,
      );
    }
    if (c.gateHidden.length > 0) {
      notes.push(
        `gates here have hidden layers [${c.gateHidden.join(', ')}]; PaddleRec gates are linear`,
      );
    }
    if (c.model === 'mmoe') {
      hyper.push(
        ['expert_num', c.numExperts],
        ['gate_num', c.numTasks],
        ['expert_size', expertSize],
        ['tower_size', towerSize],
      );
    } else {
      hyper.push(
        ['task_num', c.numTasks],
        ['shared_num', c.numExperts],
        ['exp_per_task', c.expertsPerTask],
        ['level_number', c.levels],
        ['expert_size', expertSize],
        ['tower_size', towerSize],
      );
    }
  }
  const cats = c.inputs?.categorical ?? [];
  if (cats.length > 0) {
    notes.push(
      `${cats.length} categorical column(s) were embedded here (${cats.map((x) => `feature ${x.column + 1}: ${x.vocabSize}×${x.dim}`).join(', ')}); ` +
        'PaddleRec census readers feed dense features only: one-hot them or extend the reader',
    );
  }

  const { batchSize, epochs, learningRate } = input.train;
  const saveDir = `output_model_${dir}_all`;
  const runner: [string, Value][] = [
    ['train_data_dir', input.trainDataDir ?? 'data/train_all'],
    ['train_reader_path', input.readerPath ?? 'census_reader'],
    ['use_gpu', input.useGpu ?? true],
    ['use_auc', true],
    ['train_batch_size', batchSize],
    ['epochs', epochs],
    ['print_interval', 100],
    ['model_save_path', saveDir],
    ['test_data_dir', input.testDataDir ?? 'data/test_all'],
    ['infer_batch_size', batchSize],
    ['infer_reader_path', input.readerPath ?? 'census_reader'],
    ['infer_load_path', saveDir],
    ['infer_start_epoch', 0],
    ['infer_end_epoch', epochs],
  ];
  if (c.model === 'mmoe') {
    // PaddleRec's mmoe config also describes its inference export: one output per task.
    runner.push(
      ['use_inference', false],
      ['save_inference_feed_varnames', ['input']],
      [
        'save_inference_fetch_varnames',
        Array.from({ length: c.numTasks }, (_, t) => `slice_${t}.tmp_0`),
      ],
    );
  }

  const lines = [
    `# PaddleRec models/multitask/${dir}: exported by the multi-task playground.`,
    `# Same model and settings as the playground run (seed ${c.seed}); run it from that directory.`,
    ...notes.map((n) => `# note: ${n}`),
    '',
    'runner:',
    ...runner.map(([k, v]) => `  ${k}: ${scalar(v)}`),
    '',
    'hyper_parameters:',
    ...hyper.map(([k, v]) => `  ${k}: ${scalar(v)}`),
    '  optimizer:',
    '    class: adam',
    `    learning_rate: ${scalar(learningRate)}`,
    '    strategy: async',
    '',
  ];
  return lines.join('\n');
}
