// The server inventory: every server of the given configs, with one rule for stdio vs remote,
// its runtime, and what a fix already put into it. The CLI's `fix` and `doctor`, the editor's
// picker and preflight all read servers through here.
import { promises as fs } from 'node:fs';
import type { ServerEntry } from '../fix/config';
import { parseConfig, parseJsonc } from '../fix/config';
import { findMember, memberValue } from '../fix/jsonc-text';
import { CA_VARIABLES, detectRuntime, dockerMountSource } from '../fix/runtimes';
import { atomicSafeRead } from '../fix/read';
import { describeError } from '../types';
import { transportOf } from '../fix/transport';
import type { ConfigRef, McpServer } from './types';

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

/** The servers of one config; throws DoctorError for a malformed or unknown file. */
export async function readServers(config: ConfigRef): Promise<McpServer[]> {
  const { text } = await atomicSafeRead(config.path);
  return parseConfig(config.path, text, config.serversPath).servers.map((entry) => serverOf(config, entry));
}

export interface Inventory {
  servers: McpServer[];
  /** Configs that could not be read, with the reason (a malformed file loses nothing: it is reported). */
  unreadable: { config: ConfigRef; message: string }[];
}

export async function readInventory(configs: ConfigRef[]): Promise<Inventory> {
  const inventory: Inventory = { servers: [], unreadable: [] };
  const results = await Promise.allSettled(configs.map(readServers));
  results.forEach((result, index) => {
    const config = configs[index] as ConfigRef;
    if (result.status === 'fulfilled') inventory.servers.push(...result.value);
    else inventory.unreadable.push({ config, message: describeError(result.reason) });
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
    text = await fs.readFile(file, 'utf8');
  } catch {
    return [];
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
