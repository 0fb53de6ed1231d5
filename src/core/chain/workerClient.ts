// The extension's handle on the chain worker: started on the first call, stopped after idleMs
// without work, DoctorError kinds rebuilt across the thread boundary, pending calls rejected if
// the worker dies. The calling thread never parses a certificate nor waits on a socket.
import type { Worker } from 'node:worker_threads';
import type { ChainReport } from '../types';
import { DoctorError } from '../types';
import type { AnalyzeOptions, ProbeOptions, VerifyResult } from './options';
import type { WireError, WorkerRequest, WorkerResponse } from './workerProtocol';

interface Pending {
  resolve: (value: ChainReport | VerifyResult) => void;
  reject: (error: Error) => void;
}

export interface ChainWorkerClientOptions {
  /** Terminate the worker after this long without work (default 60 s). */
  idleMs?: number;
}

export class ChainWorkerClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly idleMs: number;

  constructor(
    private readonly workerScriptPath: string,
    options: ChainWorkerClientOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** True while a worker thread is running (for tests and the log). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  analyze(options: AnalyzeOptions, signal?: AbortSignal): Promise<ChainReport> {
    const { signal: optionSignal, ...wire } = options;
    return this.call({ type: 'analyze', options: { ...wire, env: plainEnv(wire.env) } }, signal ?? optionSignal) as Promise<ChainReport>;
  }

  verify(options: ProbeOptions & { caPem: string }, signal?: AbortSignal): Promise<VerifyResult> {
    const { signal: optionSignal, ...wire } = options;
    return this.call({ type: 'verify', options: { ...wire, env: plainEnv(wire.env) } }, signal ?? optionSignal) as Promise<VerifyResult>;
  }

  dispose(): void {
    this.disposed = true;
    this.stop(new DoctorError('cancelled', 'chain analysis stopped'));
  }

  private call(request: Omit<Extract<WorkerRequest, { type: 'analyze' | 'verify' }>, 'id'>, signal?: AbortSignal): Promise<ChainReport | VerifyResult> {
    if (this.disposed) return Promise.reject(new DoctorError('cancelled', 'chain analysis stopped'));
    if (signal?.aborted) return Promise.reject(new DoctorError('cancelled', 'chain analysis cancelled'));
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        worker.postMessage({ id, type: 'cancel' } satisfies WorkerRequest);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        this.scheduleIdle();
      };
      this.pending.set(id, {
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  private ensureWorker(): Worker {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.worker) {
      this.worker.ref();
      return this.worker;
    }
    // Loaded on first use: the extension host activates without it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new WorkerThread(this.workerScriptPath);
    worker.on('message', (response: WorkerResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      if (response.ok) pending.resolve(response.result);
      else pending.reject(fromWire(response.error));
    });
    worker.on('error', (error) => this.onExit(worker, new Error(`chain worker failed: ${error.message}`)));
    worker.on('exit', (code) => this.onExit(worker, new Error(`chain worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private onExit(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const pending of [...this.pending.values()]) pending.reject(error);
  }

  private scheduleIdle(): void {
    if (this.pending.size > 0 || !this.worker) return;
    // An idle worker must not keep the process alive.
    this.worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.idleMs);
    this.idleTimer.unref();
  }

  private stop(reason?: Error): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (reason) for (const pending of [...this.pending.values()]) pending.reject(reason);
    void worker?.terminate();
  }
}

function fromWire(error: WireError): Error {
  return error.kind ? new DoctorError(error.kind, error.message, error.detail) : new Error(error.message);
}

/** process.env is an exotic object; the worker gets a plain copy of the string values. */
function plainEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv | undefined {
  if (!env) return undefined;
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') out[key] = value;
  return out;
}
