// What the editor's doctor shows, read off the one assessment (core/doctor/assess.ts) with no
// vscode in it: the view's grouping (host app → config → server), each server's route, and the
// findings a config file's diagnostics carry (the entry's range in the text, what is wrong there).
import type { Node } from 'jsonc-parser';
import type { Assessment } from '../core/assess/assess';
import type { ConfigRef, McpServer } from '../core/model/server';
import { resolveProxy } from '../core/chain/proxy';
import type { ParsedConfig, ServerEntry as ConfigEntry } from '../core/config/config';
import { findInsecure, type InsecureSetting } from '../core/config/insecure';
import { findMember, memberValue } from '../core/config/jsonc-text';
import type { HostId } from '../core/hosts/locations';

/** The host apps in the order the view lists them; their names are brands (not translated). */
export const HOST_NAMES: Record<HostId, string> = {
  vscode: 'VS Code',
  'vscode-insiders': 'VS Code Insiders',
  vscodium: 'VSCodium',
  cursor: 'Cursor',
  'claude-desktop': 'Claude Desktop',
  'claude-code': 'Claude Code',
  windsurf: 'Windsurf',
  cline: 'Cline',
  roo: 'Roo Code',
  kiro: 'Kiro',
  codex: 'Codex CLI',
  'gemini-cli': 'Gemini CLI',
  'copilot-cli': 'GitHub Copilot CLI',
  zed: 'Zed',
  opencode: 'opencode',
  goose: 'Goose',
  'amazon-q': 'Amazon Q',
  junie: 'JetBrains Junie',
  'lm-studio': 'LM Studio',
};
const HOST_ORDER = Object.keys(HOST_NAMES) as HostId[];

export interface ConfigGroup<S extends McpServer> {
  /** One per servers object: a file, or one of ~/.claude.json's projects. */
  key: string;
  config: ConfigRef;
  assessments: Assessment<S>[];
  /** Why the file could not be read (its servers are then unknown). */
  unreadable?: string;
}

export interface HostGroup<S extends McpServer> {
  hostApp: HostId;
  configs: ConfigGroup<S>[];
}

export const configKeyOf = (config: Pick<ConfigRef, 'path' | 'serversPath'>): string => JSON.stringify([config.path, config.serversPath ?? null]);

/**
 * Every config of every host app, each with its servers' assessments in file order; configs that
 * hold no server are left out, unreadable ones kept (with why). Host apps in a fixed order.
 */
export function groupForView<S extends McpServer>(assessments: readonly Assessment<S>[], unreadable: readonly { config: ConfigRef; message: string }[] = []): HostGroup<S>[] {
  const configs = new Map<string, ConfigGroup<S>>();
  for (const assessment of assessments) {
    const config = assessment.server.config;
    const key = configKeyOf(config);
    const group = configs.get(key) ?? { key, config, assessments: [] };
    group.assessments.push(assessment);
    configs.set(key, group);
  }
  for (const { config, message } of unreadable) {
    const key = configKeyOf(config);
    configs.set(key, { key, config, assessments: configs.get(key)?.assessments ?? [], unreadable: message });
  }
  const hosts = new Map<HostId, HostGroup<S>>();
  for (const group of configs.values()) {
    const host = hosts.get(group.config.hostApp) ?? { hostApp: group.config.hostApp, configs: [] };
    host.configs.push(group);
    hosts.set(group.config.hostApp, host);
  }
  return [...hosts.values()].sort((a, b) => HOST_ORDER.indexOf(a.hostApp) - HOST_ORDER.indexOf(b.hostApp));
}

/** How a server reaches its target: straight, through the proxy its own environment names, or as its host does (remote). */
export type Route = { kind: 'direct' } | { kind: 'proxy'; display: string } | { kind: 'host' } | { kind: 'none' };

export function routeOf(assessment: Pick<Assessment, 'server' | 'target'>): Route {
  const { server, target } = assessment;
  if (!target) return { kind: 'none' };
  if (server.transport === 'remote') return { kind: 'host' };
  try {
    const proxy = resolveProxy(target.host, target.port, undefined, target.proxyEnv ?? {});
    return proxy ? { kind: 'proxy', display: proxy.display } : { kind: 'direct' };
  } catch {
    // A malformed proxy URL: the server's runtime will not get through it either.
    return { kind: 'proxy', display: '?' };
  }
}

/** What a diagnostic says about an entry. */
export type FindingKind = 'fails-now' | 'will-fail' | 'unknown-root' | 'strict-ca' | 'remote-host-trust' | 'insecure';

export interface EntryFinding<S extends McpServer = McpServer> {
  kind: FindingKind;
  server: string;
  /** Offsets in the parsed text (without a BOM). */
  offset: number;
  length: number;
  assessment?: Assessment<S>;
  insecure?: InsecureSetting;
}

/** The server's name in its entry (`"docs": {`): where its diagnostic goes; none in a TOML or YAML file (no JSON tree). */
function keyNodeOf(entry: ConfigEntry): Node | undefined {
  if (!entry.node) return undefined;
  const property = entry.node.parent;
  return property?.type === 'property' && property.children?.[0] ? property.children[0] : entry.node;
}

/** `env.NAME` → the `"NAME": value` property (wherever the format keeps env); `args[i]` → the i-th argument. */
function settingNodeOf(entry: ConfigEntry, where: string): Node | undefined {
  if (!entry.node) return undefined;
  const env = /^env\.(.+)$/.exec(where);
  if (env) {
    let envNode: Node | undefined = entry.node;
    for (const key of entry.envPath ?? ['env']) envNode = envNode && memberValue(findMember(envNode, key).property);
    return envNode?.children?.find((property) => property.children?.[0]?.value === env[1]);
  }
  const arg = /^args\[(\d+)\]$/.exec(where);
  if (arg) return memberValue(findMember(entry.node, 'args').property)?.children?.[Number(arg[1])];
  return undefined;
}

const KIND_OF_STATE: Partial<Record<Assessment['state'], FindingKind>> = {
  failing: 'fails-now',
  'will-fail': 'will-fail',
  'strict-ca': 'strict-ca',
  'remote-host-trust': 'remote-host-trust',
};

/**
 * The findings of one config's text: a server that fails or will fail (a root no store knows: the
 * user decides), a remote server whose trust is its host's, each setting that switches
 * verification off. Assessments are matched by name; a server with none gets only its settings'.
 */
export function entryFindings<S extends McpServer>(parsed: Pick<ParsedConfig, 'servers'>, assessments: readonly Assessment<S>[]): EntryFinding<S>[] {
  const findings: EntryFinding<S>[] = [];
  for (const entry of parsed.servers) {
    const assessment = assessments.find((candidate) => candidate.server.name === entry.name);
    let kind = assessment ? KIND_OF_STATE[assessment.state] : undefined;
    if (kind === 'will-fail' && assessment?.reason === 'unknown-root') kind = 'unknown-root';
    if (kind && assessment) {
      const key = keyNodeOf(entry);
      if (key) findings.push({ kind, server: entry.name, offset: key.offset, length: key.length, assessment });
    }
    for (const setting of findInsecure(entry)) {
      const node = settingNodeOf(entry, setting.where) ?? keyNodeOf(entry);
      if (!node) continue;
      findings.push({ kind: 'insecure', server: entry.name, offset: node.offset, length: node.length, insecure: setting, ...(assessment ? { assessment } : {}) });
    }
  }
  return findings;
}

/** Whether the insecure setting's removal may be offered now: the server trusts the root its target presents (the fix is in place). */
export const removalReady = (assessment: Assessment | undefined): boolean => assessment?.reason === 'trusts-root' && assessment.root !== null;

/** The counts a check reports: per state, and how many a fix can change (its env). */
export function summaryOf(assessments: readonly Assessment[]): { total: number; byState: Partial<Record<Assessment['state'], number>>; fixable: number } {
  const byState: Partial<Record<Assessment['state'], number>> = {};
  for (const { state } of assessments) byState[state] = (byState[state] ?? 0) + 1;
  return { total: assessments.length, byState, fixable: assessments.filter((entry) => entry.fix === 'env').length };
}
