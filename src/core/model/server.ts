// The vocabulary of the use cases (see docs/ARCHITECTURE.md): servers as MCP hosts configure them,
// the hosts they reach, and the analyser the front end provides (in-process for the CLI, the
// worker thread for the editor).
import type { AnalyzeOptions, VerifyResult } from '../chain/options';
import type { EnvValue } from '../config/config';
import type { HostId, Scope } from '../hosts/locations';
import type { ServerRuntime } from '../runtime/detect';
import type { ChainReport } from '../types';

import type { Transport } from './transport';

export interface HostTarget {
  host: string;
  port: number;
}

/** A target as one server reaches it: through the proxy its own environment names. */
export interface ServerTarget extends HostTarget {
  /** The proxy variables of the server's environment (HTTPS_PROXY, NO_PROXY...), in place of the analyser's. */
  proxyEnv?: Record<string, string>;
}

/** One MCP config file (or, in ~/.claude.json, one project's servers inside it). */
export interface ConfigRef {
  hostApp: HostId;
  path: string;
  scope: Scope | 'local';
  resolvesVariables: boolean;
  /** JSON path of the servers object when the file holds several (Claude Code's `projects[dir].mcpServers`). */
  serversPath?: string[];
  /** The project folder a Claude Code local-scope entry belongs to. */
  project?: string;
}

/** One configured MCP server, with the one rule for stdio vs remote applied. */
export interface McpServer {
  config: ConfigRef;
  name: string;
  transport: Transport;
  runtime: ServerRuntime;
  command: string;
  args: string[];
  /** The entry's own env as written (null removes a variable). */
  env: Record<string, EnvValue>;
  url?: string;
  /** Where the bundle mounted into a docker server's container comes from (`--mount source=`). */
  dockerMountSource?: string;
  /** CA variables the entry sets itself. */
  caVariables: string[];
  /** Names the entry asks its host to pass on from the host's own environment (Codex `env_vars`). */
  passEnv?: string[];
}

/** The chain analysis a front end provides: the CLI in-process, the editor in its worker thread. */
export interface Analyzer {
  analyze(target: ServerTarget, signal?: AbortSignal): Promise<ChainReport>;
  /** A handshake to the target trusting only caPem. */
  verify(target: ServerTarget, caPem: string, signal?: AbortSignal): Promise<VerifyResult>;
}

/** Analysis options a front end fixes once (proxy, stores, timeout); host and port come per call. */
export type AnalyzerOptions = Omit<AnalyzeOptions, 'host' | 'port' | 'signal'>;
