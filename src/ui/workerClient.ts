/**
 * Page side of the worker protocol: request ids, promises for the final answer, callbacks for the
 * events in between. The worker file is loaded as an ES module (it imports split chunks).
 */
import type { CsvFileRole, RequestId, WorkerMessage, WorkerRequest } from '../worker/protocol';

/** The message that ends each kind of request. */
interface FinalMessages {
  init: Extract<WorkerMessage, { type: 'ready' }>;
  data: Extract<WorkerMessage, { type: 'dataReady' }>;
  train: Extract<WorkerMessage, { type: 'done' }>;
  backendCheck: Extract<WorkerMessage, { type: 'backendCheckResult' }>;
  step: Extract<WorkerMessage, { type: 'stepped' }>;
  reset: Extract<WorkerMessage, { type: 'resetDone' }>;
  describeModel: Extract<WorkerMessage, { type: 'modelDescription' }>;
  predict: Extract<WorkerMessage, { type: 'prediction' }>;
  lifecycle: Extract<WorkerMessage, { type: 'lifecycleResult' }>;
  bench: Extract<WorkerMessage, { type: 'benchResult' }>;
  calibrate: Extract<WorkerMessage, { type: 'calibrationResult' }>;
  experiment: Extract<WorkerMessage, { type: 'experimentDone' }>;
}
type CallType = keyof FinalMessages;
type ControlType = 'pause' | 'resume' | 'stop' | 'experimentStop';

/** Omit that keeps a union a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type CallRequest = DistributiveOmit<Extract<WorkerRequest, { type: CallType }>, 'id'>;

const FINAL_TYPES: ReadonlySet<WorkerMessage['type']> = new Set([
  'ready',
  'dataReady',
  'done',
  'backendCheckResult',
  'stepped',
  'resetDone',
  'modelDescription',
  'prediction',
  'lifecycleResult',
  'benchResult',
  'calibrationResult',
  'experimentDone',
]);

/** An error reported by the worker; CSV problems carry the line, column and file. */
export class WorkerError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly file?: CsvFileRole,
    readonly fileName?: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

interface Pending {
  onEvent?: (m: WorkerMessage) => void;
  resolve: (m: WorkerMessage) => void;
  reject: (e: Error) => void;
}

function spawnWorker(): Worker {
  return new Worker(new URL('../worker/training.worker.ts', import.meta.url), {
    type: 'module',
    name: 'training',
  });
}

let prestarted: { worker: Worker; error: ErrorEvent | null } | null = null;

/**
 * Starts the page's first training worker at once, before React's first render, so its module
 * (tfjs and the engine, ~4 MB) loads while the page renders: it is on the path from page load to
 * Train. The first `new WorkerClient({ prestarted: true })` takes it. Does nothing without Worker.
 */
export function prestartWorker(): void {
  if (prestarted !== null || typeof Worker === 'undefined') return;
  const p: { worker: Worker; error: ErrorEvent | null } = { worker: spawnWorker(), error: null };
  p.worker.onerror = (e) => {
    e.preventDefault();
    p.error = e;
  };
  prestarted = p;
}

function takePrestarted(): { worker: Worker; error: ErrorEvent | null } | null {
  const p = prestarted;
  prestarted = null;
  return p;
}

export class WorkerClient {
  private readonly worker: Worker;
  private nextId: RequestId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  /** Errors not tied to a request (e.g. the worker failed to start). */
  onUnhandledError?: (e: WorkerError) => void;
  /**
   * The worker died (an uncaught error or out of memory): it is terminated and every pending
   * request rejected; the page offers a restart (ui/engineHealth).
   */
  onCrash?: (e: WorkerError) => void;

  /** `prestarted`: take the worker prestartWorker() started at page load, if still unused. */
  constructor(opts: { prestarted?: boolean } = {}) {
    const early = opts.prestarted === true ? takePrestarted() : null;
    this.worker = early?.worker ?? spawnWorker();
    this.worker.onmessage = (e: MessageEvent<WorkerMessage>) => this.receive(e.data);
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const err = new WorkerError(`The training worker crashed: ${e.message || 'unknown error'}`);
      if (this.onCrash === undefined) this.failAll(err);
      else this.crash(err);
    };
    this.worker.onmessageerror = () =>
      this.failAll(new WorkerError('A message from the training worker could not be read.'));
    // A failure while nobody listened yet (e.g. its module did not load) is reported now, once
    // the caller has set onCrash/onUnhandledError.
    const missed = early?.error;
    if (missed != null) setTimeout(() => this.worker.onerror?.(missed));
  }

  /** Send a request; resolves with its final message, rejects with a WorkerError. */
  call<R extends CallRequest>(
    req: R,
    onEvent?: (m: WorkerMessage) => void,
  ): Promise<FinalMessages[R['type']]> {
    const id = this.nextId++;
    return new Promise<FinalMessages[R['type']]>((resolve, reject) => {
      this.pending.set(id, {
        onEvent,
        resolve: resolve as (m: WorkerMessage) => void,
        reject,
      });
      this.worker.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  /** Pause/resume/stop the running training (fire and forget). */
  control(type: ControlType): void {
    this.worker.postMessage({ type, id: this.nextId++ } satisfies WorkerRequest);
  }

  dispose(): void {
    this.worker.terminate();
    this.failAll(new WorkerError('The training worker was closed.'));
  }

  private receive(msg: WorkerMessage): void {
    const p = msg.id === null ? undefined : this.pending.get(msg.id);
    if (msg.type === 'error') {
      const err = new WorkerError(msg.message, msg.line, msg.column, msg.file, msg.fileName);
      if (msg.id === null && this.onCrash !== undefined) {
        // Something escaped every handler (uncaught exception, out of memory): the engine's
        // state is unknown, so it is not trusted with more work.
        this.crash(new WorkerError(`The training worker crashed: ${msg.message}`));
        return;
      }
      if (p === undefined) {
        this.onUnhandledError?.(err);
        return;
      }
      this.pending.delete(msg.id as RequestId);
      p.reject(err);
      return;
    }
    if (p === undefined) return;
    if (FINAL_TYPES.has(msg.type)) {
      this.pending.delete(msg.id);
      p.resolve(msg);
    } else {
      p.onEvent?.(msg);
    }
  }

  /** A worker in an unknown state is not reused: terminate it; ui/engineHealth respawns one. */
  private crash(err: WorkerError): void {
    this.worker.terminate();
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
    this.onCrash?.(err);
  }

  private failAll(err: WorkerError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
    if (all.length === 0) this.onUnhandledError?.(err);
  }
}
