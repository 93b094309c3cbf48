/**
 * The PaddleRec export has every key of PaddleRec's own config_bigdata.yaml for the model, with
 * this experiment's values. The key lists were read from PaddlePaddle/PaddleRec (GitHub):
 *   models/multitask/share_bottom/config_bigdata.yaml (commit 4c738dff18fbb872e4653a8e8279d97c7a913941)
 *   models/multitask/mmoe/config_bigdata.yaml         (commit 949e772287c96e41659be5638c7596ba85e0e9df)
 *   models/multitask/ple/config_bigdata.yaml          (commit 1eb742b3a2237d326802c6a7ea4e62d3199ec3e3)
 */
import { describe, expect, it } from 'vitest';
import { paddleRecConfig } from '../../src/engine/io/paddlerec';
import { defaultModelConfig, resolvePreset } from '../../src/engine/models';
import type { ModelConfig } from '../../src/engine/models';

const RUNNER_KEYS = [
  'runner.train_data_dir',
  'runner.train_reader_path',
  'runner.use_gpu',
  'runner.use_auc',
  'runner.train_batch_size',
  'runner.epochs',
  'runner.print_interval',
  'runner.model_save_path',
  'runner.test_data_dir',
  'runner.infer_batch_size',
  'runner.infer_reader_path',
  'runner.infer_load_path',
  'runner.infer_start_epoch',
  'runner.infer_end_epoch',
];
const OPTIMIZER_KEYS = [
  'hyper_parameters.optimizer',
  'hyper_parameters.optimizer.class',
  'hyper_parameters.optimizer.learning_rate',
];

const PADDLEREC_KEYS: Record<'share_bottom' | 'mmoe' | 'ple', string[]> = {
  share_bottom: [
    'runner',
    ...RUNNER_KEYS,
    'hyper_parameters',
    'hyper_parameters.feature_size',
    'hyper_parameters.bottom_size',
    'hyper_parameters.task_num',
    'hyper_parameters.tower_size',
    ...OPTIMIZER_KEYS,
    'hyper_parameters.optimizer.strategy',
  ],
  mmoe: [
    'runner',
    ...RUNNER_KEYS,
    'runner.use_inference',
    'runner.save_inference_feed_varnames',
    'runner.save_inference_fetch_varnames',
    'hyper_parameters',
    'hyper_parameters.feature_size',
    'hyper_parameters.expert_num',
    'hyper_parameters.gate_num',
    'hyper_parameters.expert_size',
    'hyper_parameters.tower_size',
    ...OPTIMIZER_KEYS,
  ],
  ple: [
    'runner',
    ...RUNNER_KEYS,
    'hyper_parameters',
    'hyper_parameters.feature_size',
    'hyper_parameters.task_num',
    'hyper_parameters.shared_num',
    'hyper_parameters.exp_per_task',
    'hyper_parameters.level_number',
    'hyper_parameters.expert_size',
    'hyper_parameters.tower_size',
    ...OPTIMIZER_KEYS,
    'hyper_parameters.optimizer.strategy',
  ],
};

/**
 * A tiny line-based reader for the block-style YAML we write: `key: value` / `key:` lines,
 * nesting by two-space indentation, `#` comments. Returns dotted paths → raw value text.
 */
function readYaml(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const stack: { indent: number; key: string }[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const m = /^( *)([A-Za-z_][\w]*):(?: (.*))?$/.exec(raw);
    if (!m) throw new Error(`not a key line: ${JSON.stringify(raw)}`);
    const indent = m[1].length;
    expect(indent % 2).toBe(0);
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
    const path = [...stack.map((s) => s.key), m[2]].join('.');
    expect(out.has(path)).toBe(false);
    out.set(path, m[3] ?? '');
    stack.push({ indent, key: m[2] });
  }
  return out;
}

const TRAIN = { batchSize: 32, epochs: 4, learningRate: 0.001 };

describe('PaddleRec config_bigdata.yaml export', () => {
  for (const name of ['share_bottom', 'mmoe', 'ple'] as const) {
    it(`${name}: every key of PaddleRec's config, with this experiment's values`, () => {
      const { model } = resolvePreset(name, 499, 2);
      const keys = readYaml(paddleRecConfig({ modelConfig: model, train: TRAIN }));
      for (const k of PADDLEREC_KEYS[name]) expect(keys.has(k), k).toBe(true);
      expect(keys.get('hyper_parameters.feature_size')).toBe('499');
      expect(keys.get('runner.train_batch_size')).toBe('32');
      expect(keys.get('runner.epochs')).toBe('4');
      expect(keys.get('hyper_parameters.optimizer.class')).toBe('adam');
      expect(keys.get('hyper_parameters.optimizer.learning_rate')).toBe('0.001');
      expect(keys.get('hyper_parameters.tower_size')).toBe('8');
    });
  }

  it('values follow the model config (the census presets reproduce PaddleRec’s numbers)', () => {
    const sb = readYaml(
      paddleRecConfig({ modelConfig: resolvePreset('share_bottom', 499, 2).model, train: TRAIN }),
    );
    expect(sb.get('hyper_parameters.bottom_size')).toBe('117');
    expect(sb.get('hyper_parameters.task_num')).toBe('2');
    const mmoe = readYaml(
      paddleRecConfig({ modelConfig: resolvePreset('mmoe', 499, 3).model, train: TRAIN }),
    );
    expect(mmoe.get('hyper_parameters.expert_num')).toBe('8');
    expect(mmoe.get('hyper_parameters.gate_num')).toBe('3');
    expect(mmoe.get('hyper_parameters.expert_size')).toBe('16');
    expect(mmoe.get('runner.save_inference_fetch_varnames')).toBe(
      '["slice_0.tmp_0", "slice_1.tmp_0", "slice_2.tmp_0"]',
    );
    const ple = readYaml(
      paddleRecConfig({ modelConfig: resolvePreset('ple', 499, 2).model, train: TRAIN }),
    );
    expect(ple.get('hyper_parameters.shared_num')).toBe('2');
    expect(ple.get('hyper_parameters.exp_per_task')).toBe('3');
    expect(ple.get('hyper_parameters.level_number')).toBe('1');
  });

  it('says in comments what does not carry over, and refuses single_task', () => {
    const c: ModelConfig = {
      ...defaultModelConfig('mmoe', 30, 2),
      expertHidden: [32, 16],
      gateHidden: [8],
      inputs: { categorical: [{ column: 29, vocabSize: 101, dim: 8 }] },
    };
    const text = paddleRecConfig({ modelConfig: c, train: TRAIN });
    expect(text).toMatch(/# note: experts here have layers \[32, 16\]/);
    expect(text).toMatch(/# note: gates here have hidden layers \[8\]/);
    expect(text).toMatch(/# note: 1 categorical column/);
    expect(readYaml(text).get('hyper_parameters.expert_size')).toBe('16');
    expect(() =>
      paddleRecConfig({ modelConfig: defaultModelConfig('single_task', 5, 2), train: TRAIN }),
    ).toThrow(/no single_task model/);
  });
});
