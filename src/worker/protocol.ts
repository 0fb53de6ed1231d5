// The worker's typed messages live in core (the client there speaks them too); re-exported here.
export type { WorkerRequest, WorkerResponse, WireError, WireAnalyzeOptions, WireVerifyOptions } from '../core/chain/workerProtocol';
