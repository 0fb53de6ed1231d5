// The chain worker: certificates are parsed and sockets waited on here, never on the extension host's thread.
import { parentPort } from 'node:worker_threads';
import { analyzeHost, verifyTrust } from '../core/chain/index';
import { DoctorError } from '../core/types';
import type { WireError, WorkerRequest, WorkerResponse } from './protocol';

const port = parentPort;
if (!port) throw new Error('the chain worker must run in a worker thread');

const running = new Map<number, AbortController>();

function toWire(error: unknown): WireError {
  if (error instanceof DoctorError) {
    const wire: WireError = { kind: error.kind, message: error.message };
    if (error.detail) wire.detail = error.detail;
    return wire;
  }
  return { kind: null, message: error instanceof Error ? error.message : String(error) };
}

async function handle(request: Exclude<WorkerRequest, { type: 'cancel' }>): Promise<WorkerResponse> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    if (request.type === 'analyze') {
      return { id: request.id, ok: true, type: 'analyze', result: await analyzeHost({ ...request.options, signal: controller.signal }) };
    }
    return { id: request.id, ok: true, type: 'verify', result: await verifyTrust({ ...request.options, signal: controller.signal }) };
  } catch (error) {
    return { id: request.id, ok: false, error: toWire(error) };
  } finally {
    running.delete(request.id);
  }
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') {
    running.get(request.id)?.abort();
    return;
  }
  void handle(request).then((response) => port.postMessage(response));
});
