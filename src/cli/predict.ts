/**
 * `predict`: score a CSV with a saved model and write every task's probability (labels echoed
 * when the file has the label columns); `paddlerec`: a saved model's settings as a PaddleRec
 * config_bigdata.yaml.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CsvParseError } from '../engine/data/types';
import { checkModelJson, deserializeModel, ModelFileError } from '../engine/io/modelFile';
import { paddleRecConfig } from '../engine/io/paddlerec';
import { predictCsv, ScoringLayoutError } from '../engine/io/predict';
import { useNodeBackend } from '../engine/testing/nodeBackend';
import { defaultTrainConfig } from '../engine/train/trainer';
import type { PaddleRecArgs, PredictArgs } from './args';
import { CsvFileError } from './data';
import { CliError, openCsv, readModelDir, writeText } from './files';
import type { CliIO } from './progress';
import { Reporter, fmtBytes, fmtInt } from './progress';

export async function runPredict(args: PredictArgs, io: CliIO): Promise<number> {
  // Progress goes to stderr so that stdout holds only the JSON result.
  const reporter = new Reporter(io.stderr);
  const { jsonText, weights } = await readModelDir(args.modelDir);
  await useNodeBackend(args.backend);
  const loaded = deserializeModel(jsonText, weights);
  try {
    const { source, sizeHint } = openCsv(args.data);
    const name = path.basename(args.data);
    let result;
    try {
      result = await predictCsv(source, loaded, {
        ...(args.batchSize !== undefined ? { batchRows: args.batchSize } : {}),
        ...(sizeHint !== undefined ? { sizeHint } : {}),
        onProgress: (p) =>
          reporter.status(`reading ${name}: ${fmtInt(p.rows)} rows, ${fmtBytes(p.bytes)}`),
      });
    } catch (e) {
      if (e instanceof CsvParseError) throw new CsvFileError(args.data, e);
      if (e instanceof ScoringLayoutError) throw new CliError(`${args.data}: ${e.message}`);
      throw e;
    }
    await writeText(args.out, result.csvParts.join(''));
    reporter.line(`wrote ${args.out}: ${fmtInt(result.rows)} rows`);
    const out = {
      model: loaded.model.config.model,
      data: args.data,
      out: args.out,
      rows: result.rows,
      tasks: result.taskNames,
      labels: result.labels !== null,
      backend: tf.getBackend(),
    };
    io.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  } finally {
    loaded.model.dispose();
  }
}

/** Training settings recorded in model.json's metadata (train runs store trainConfig there). */
function recordedTrain(metadata: Record<string, unknown> | undefined): {
  batchSize: number;
  epochs: number;
  learningRate: number;
} {
  const d = defaultTrainConfig();
  const t = (metadata?.trainConfig ?? {}) as Partial<Record<string, unknown>>;
  const num = (v: unknown, fallback: number): number =>
    typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  return {
    batchSize: num(t.batchSize, d.batchSize),
    epochs: num(t.epochs, d.epochs),
    learningRate: num(t.learningRate, d.learningRate),
  };
}

export async function runPaddleRec(args: PaddleRecArgs, io: CliIO): Promise<number> {
  const { jsonText } = await readModelDir(args.modelDir);
  let json;
  try {
    json = checkModelJson(JSON.parse(jsonText) as unknown);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`model.json is not valid JSON: ${(e as Error).message}`);
  }
  let yaml: string;
  try {
    yaml = paddleRecConfig({ modelConfig: json.modelConfig, train: recordedTrain(json.metadata) });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (args.out) {
    await writeText(args.out, yaml);
    io.stderr.write(`wrote ${args.out}\n`);
  } else io.stdout.write(yaml);
  return 0;
}
