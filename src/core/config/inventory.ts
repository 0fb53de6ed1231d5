// The server inventory: every server of the given configs, with one rule for stdio vs remote,
// its runtime, and what a fix already put into it. The CLI's `fix` and `doctor`, the editor's
// picker and preflight all read servers through here.
import { promises as fs } from 'node:fs';
import { readRegularFile } from '../files/atomic';
import type { ConfigProblem, ServerEntry } from './config';
import { parseConfig, parseJsonc } from './config';
import { findMember, memberValue } from './jsonc-text';
import { CA_VARIABLES } from '../runtime/variables';
import { detectRuntime } from '../runtime/detect';
import { dockerMountSource } from '../runtime/docker';
import { atomicSafeRead } from './read';
import { describeError } from '../types';
import { transportOf } from '../model/transport';
import type { ConfigRef, McpServer } from '../model/server';

export function serverOf(config: ConfigRef, entry: ServerEntry): McpServer {
  const transport = transportOf(entry);
  const runtime = transport === 'stdio' ? detectRuntime(entry.command, entry.args).runtime : 'unknown';
  return {
    config,
    name: entry.name,
    transport,
    runtime,
    command: entry.command ?? '',
    args: entry.args,
    env: entry.env,
    url: entry.url,
    dockerMountSource: runtime === 'docker' ? dockerMountSource(entry.args) : undefined,
    caVariables: CA_VARIABLES.filter((variable) => entry.env[variable] !== undefined && entry.env[variable] !== null),
    ...(entry.passEnv ? { passEnv: entry.passEnv } : {}),
  };
}

/** The servers of one config, and what in it was read around; throws DoctorError for a malformed or unknown file. */
export async function readConfigServers(config: ConfigRef): Promise<{ servers: McpServer[]; problems: ConfigProblem[] }> {
  const { text } = await atomicSafeRead(config.path);
  const parsed = parseConfig(config.path, text, config.serversPath);
  return { servers: parsed.servers.map((entry) => serverOf(config, entry)), problems: parsed.problems };
}

/** The servers of one config; throws DoctorError for a malformed or unknown file. */
export async function readServers(config: ConfigRef): Promise<McpServer[]> {
  return (await readConfigServers(config)).servers;
}

/**
 * Something a readable config holds that no host starts (an entry that is not an object, an
 * `env` that is not an object, a `mcpServers` beside VS Code's `servers`): a code and its data
 * (`configProblemText` words it in English, the editor through l10n).
 */
export interface InventoryWarning {
  config: ConfigRef;
  code: ConfigProblem['code'];
  detail: ConfigProblem;
}

export interface Inventory {
  servers: McpServer[];
  /** Configs that could not be read, with the reason (a malformed file loses nothing: it is reported). */
  unreadable: { config: ConfigRef; message: string }[];
  /** Entries and keys of readable configs that were left out, each with its reason. */
  warnings: InventoryWarning[];
}

export async function readInventory(configs: ConfigRef[]): Promise<Inventory> {
  const inventory: Inventory = { servers: [], unreadable: [], warnings: [] };
  const results = await Promise.allSettled(configs.map(readConfigServers));
  results.forEach((result, index) => {
    const config = configs[index] as ConfigRef;
    if (result.status === 'fulfilled') {
      inventory.servers.push(...result.value.servers);
      inventory.warnings.push(...result.value.problems.map((problem) => ({ config, code: problem.code, detail: problem })));
    } else inventory.unreadable.push({ config, message: describeError(result.reason) });
  });
  return inventory;
}

/**
 * Claude Code keeps its user-scope servers at the top of ~/.claude.json and its local-scope ones
 * (the default of `claude mcp add`) under `projects["<dir>"].mcpServers`: one ConfigRef each.
 */
export async function claudeJsonConfigs(file: string): Promise<ConfigRef[]> {
  let text: string;
  try {
    text = (await readRegularFile(file)).toString('utf8');
  } catch {
    // Absent: no Claude Code. Present but unreadable (a folder, a FIFO, no permission): reported by readInventory.
    if (!(await fs.lstat(file).catch(() => null))) return [];
    return [{ hostApp: 'claude-code', path: file, scope: 'user', resolvesVariables: false, serversPath: ['mcpServers'] }];
  }
  let root;
  try {
    root = parseJsonc(file, text.replace(/^\uFEFF/, ''));
  } catch {
    // Reported by readInventory through the user-scope ref.
    return [{ hostApp: 'claude-code', path: file, scope: 'user', resolvesVariables: false, serversPath: ['mcpServers'] }];
  }
  const refs: ConfigRef[] = [];
  const top = memberValue(findMember(root, 'mcpServers').property);
  if (top?.type === 'object') refs.push({ hostApp: 'claude-code', path: file, scope: 'user', resolvesVariables: false, serversPath: ['mcpServers'] });
  const projects = memberValue(findMember(root, 'projects').property);
  for (const property of projects?.type === 'object' ? (projects.children ?? []) : []) {
    const dir = property.children?.[0]?.value;
    const servers = property.children?.[1] ? memberValue(findMember(property.children[1], 'mcpServers').property) : undefined;
    if (typeof dir === 'string' && servers?.type === 'object' && (servers.children?.length ?? 0) > 0) {
      refs.push({ hostApp: 'claude-code', path: file, scope: 'local', resolvesVariables: false, serversPath: ['projects', dir, 'mcpServers'], project: dir });
    }
  }
  return refs;
}
