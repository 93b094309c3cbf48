/**
 * Headless runner: `npm run cli -- train | evaluate | predict | paddlerec …` (Node, WASM backend).
 *
 * `main(argv)` does the work and returns the exit code, so tests run it in-process; the process
 * entry at the bottom only forwards argv and the code.
 *
 * Exit codes: 0 success; 2 usage, data validation or model-file errors (one line, no stack);
 * 1 anything unexpected.
 */
import { pathToFileURL } from 'node:url';
import { CsvParseError } from '../engine/data/types';
import { ModelFileError } from '../engine/io/modelFile';
import { NonFiniteLossError } from '../engine/train/types';
import { USAGE, UsageError, parseCliArgs } from './args';
import { CsvFileError } from './data';
import { runEvaluate } from './evaluate';
import { runExperiment } from './experiment';
import { runPaddleRec, runPredict } from './predict';
import { CliError } from './files';
import type { CliIO } from './progress';
import { runTrain } from './train';

export async function main(
  argv: string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  try {
    // experiment parses its own options (src/cli/experiment.ts).
    if (argv[0] === 'experiment') return await runExperiment(argv.slice(1), io);
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'help':
        io.stdout.write(USAGE);
        return 0;
      case 'train':
        return await runTrain(args, io);
      case 'evaluate':
        return await runEvaluate(args, io);
      case 'predict':
        return await runPredict(args, io);
      case 'paddlerec':
        return await runPaddleRec(args, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof CsvFileError || e instanceof CliError || e instanceof ModelFileError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    if (e instanceof CsvParseError) {
      io.stderr.write(`${e.location.line}:${e.location.column}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof NonFiniteLossError) {
      io.stderr.write(`${e.message}\n`);
      return 1;
    }
    io.stderr.write(
      `unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 1;
  }
}

// Process entry (tsx src/cli/main.ts …): not taken when a test imports this module.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
