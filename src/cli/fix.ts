// `mcp-ssl-doctor fix`: write the CA bundle and point the selected servers of one config at it.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseHostPort } from '../core/chain/hostPort';
import { inProcessAnalyzer } from '../core/usecases/analyzer';
import { environments, hostSettingsEnvs, routeOf, targetKeyOf } from '../core/assess/assess';
import { hostOfConfig } from '../core/hosts/discover';
import { HOST_ENV } from '../core/hosts/env';
import { probeEnvOf } from '../core/assess/serverEnv';
import { readServers } from '../core/config/inventory';
import { fixConfig, type FixRequest } from '../core/usecases/fixPipeline';
import { checkGivenCa } from '../core/assess/policy';
import type { HostTarget, McpServer, ServerTarget } from '../core/model/server';
import type { FixResult } from '../core/fix/apply';
import { BundleMode, readCertificates } from '../core/fix/bundle';
import type { HostId } from '../core/hosts/locations';
import { resolveProxy } from '../core/chain/proxy';

import { DoctorError } from '../core/types';
import { TRUST_MODES, type TrustMode } from '../core/runtime/systemCa';
import { Command, EXIT_OK, EXIT_USAGE, analyzerOptions, homeOf, readInput } from './io';
import { envChangeText } from './doctorText';

const OPTIONS = {
  config: { type: 'string' },
  server: { type: 'string', multiple: true },
  ca: { type: 'string' },
  host: { type: 'string' },
  proxy: { type: 'string' },
  servername: { type: 'string' },
  mode: { type: 'string' },
  'bundle-dir': { type: 'string' },
  'system-ca': { type: 'string' },
  'public-ca': { type: 'string' },
  'trust-unknown-ca': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  replace: { type: 'boolean' },
  'remove-insecure': { type: 'boolean' },
  timeout: { type: 'string' },
  'no-runtime-check': { type: 'boolean' },
  'verify-docker': { type: 'boolean' },
  // The MCP host whose rules (the environment it gives a server) the runtime check follows.
  'host-app': { type: 'string' },
  'trust-mode': { type: 'string' },
  // Remote servers: the trust goes into the host (src/cli/hostLevel.ts).
  'host-level': { type: 'string' },
  settings: { type: 'string' },
  'yes-os-store': { type: 'boolean' },
  yes: { type: 'boolean' },
} as const;

function human(result: FixResult): string {
  const lines: string[] = [];
  if (result.dryRun) lines.push('Dry run: nothing was written. This is what a fix would do:', '');
  const cas = result.cas.map((ca) => `${ca.subject} (sha256 ${ca.sha256})`).join('; ');
  lines.push(`CA: ${cas}`);
  lines.push(`Bundle: ${result.bundle} ${result.dryRun ? '' : result.bundleWritten ? '(written)' : '(already there, unchanged)'}`.trimEnd());
  if (result.verified) lines.push(`Verified: a handshake with ${result.verified.host}:${result.verified.port} trusting only this bundle succeeds.`);
  lines.push(`Config: ${result.config}`);
  for (const change of result.changed) {
    const vars = Object.keys(change.env).join(', ');
    lines.push(
      change.args
        ? `  ${change.server} (docker): mounts the bundle read-only at ${Object.values(change.env)[0] ?? ''} and sets ${vars} inside the container`
        : `  ${change.server} (${change.runtime}): sets ${envChangeText(change.env, result.bundleInConfig).replace(' → ', ' = ')}`,
    );
    if (change.verified) lines.push(`    ${change.verified.message}`);
  }
  if (result.changed.length === 0) lines.push('  no server changed');
  for (const skipped of result.skipped) lines.push(`  skipped ${skipped.server}: ${skipped.reason}`);
  for (const removed of result.removedInsecure) lines.push(`  removed from ${removed.server}: ${removed.setting} (verification no longer turned off)`);
  for (const warning of result.warnings) lines.push(`Note: ${warning.server ? `${warning.server}: ` : ''}${warning.message}`);
  if (result.changed.length > 0) {
    if (result.tracked) {
      lines.push(
        `This file is tracked by git: the change (a path under \${userHome} where the host allows it) will be in your next commit. ` +
          'A teammate behind the same proxy runs the same fix once to get the bundle; it then writes nothing new.',
      );
    }
    lines.push(
      'Restart the changed servers so they start with the new environment: VS Code "MCP: List Servers" → Restart; Cursor: toggle the server off and on; Claude Desktop: quit and reopen.',
    );
    if (!result.dryRun) lines.push(`To take it back: mcp-ssl-doctor undo --config ${result.config}`);
  }
  return `${lines.join('\n')}\n`;
}

export const fix: Command = async (argv, io) => {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  const usage = (message: string): number => {
    io.stderr(`mcp-ssl-doctor fix: ${message}\n`);
    return EXIT_USAGE;
  };
  if (values['host-level'] !== undefined) return (await import('./hostLevel')).fixHostLevel(values, io);
  if (values.settings || values['yes-os-store'] || values.yes) return usage('--settings, --yes and --yes-os-store go with --host-level HOSTAPP');
  if (!values.config) return usage('--config FILE is required');
  if (!values.ca && !values.host) return usage('give the CA (--ca PEM) or a host to find it from (--host HOST[:PORT])');
  const hostIds = Object.keys(HOST_ENV) as HostId[];
  const hostAppFlag = values['host-app'];
  if (hostAppFlag !== undefined && !hostIds.includes(hostAppFlag as HostId)) {
    return usage(`--host-app ${hostAppFlag}: expected one of ${hostIds.join(', ')}`);
  }
  const mode = (values.mode ?? 'combined') as BundleMode;
  if (mode !== 'combined' && mode !== 'ca-only') return usage(`--mode ${values.mode}: expected combined or ca-only`);
  // The bundle by default (the contract); auto / os-store as doctor's: the runtime's own OS store where it reads it.
  const trustMode = (values['trust-mode'] ?? 'bundle') as TrustMode;
  if (!TRUST_MODES.includes(trustMode)) return usage(`--trust-mode ${values['trust-mode']}: expected ${TRUST_MODES.join(', ')}`);
  const resolve = (file: string): string => path.resolve(io.cwd, file);
  const configPath = resolve(values.config);
  const publicPem = values['public-ca'] ? (await readInput(resolve(values['public-ca']), '--public-ca')).toString('utf8') : undefined;

  // Which host's rules decide the environment a server gets: the flag, else where the file sits.
  const configHost = hostOfConfig(configPath);
  const hostApp = (hostAppFlag as HostId | undefined) ?? configHost.hostApp;
  // A malformed or unknown file is bad input: said before any host is probed.
  const servers = await readServers({ hostApp, path: configPath, scope: 'user', resolvesVariables: false });
  const trustUnknown = values['trust-unknown-ca'] === true;
  const probeFlags = analyzerOptions(values, io);
  const analyzer = inProcessAnalyzer(probeFlags);
  const home = homeOf(io);
  const context = { home, workspaceFolder: path.dirname(path.dirname(configPath)), env: io.env };
  const request = {
    configPath,
    mode,
    bundleDir: values['bundle-dir'] ? resolve(values['bundle-dir']) : undefined,
    home,
    publicPem,
    replace: values.replace === true,
    removeInsecure: values['remove-insecure'] === true,
    dryRun: values['dry-run'] === true,
  };
  // Proof in each server's own runtime needs the host it will reach: with --host.
  const runtimeCheck = async (target: HostTarget, server: McpServer | undefined, analysed?: ServerTarget): Promise<FixRequest['runtimeCheck']> =>
    values['no-runtime-check'] === true
      ? undefined
      : {
          hostApp,
          target,
          servername: values.servername,
          // The route the analysis took (the CA came from there): the runtime check says when a server's own differs.
          analysisRoute: analysed && { proxy: resolveProxy(analysed.host, analysed.port, values.proxy, analysed.proxyEnv ? probeEnvOf(analysed, io.env) : io.env)?.display ?? null },
          hostEnv: io.env,
          hostSettingsEnv: server ? await hostSettingsEnvs()(server, home) : undefined,
          context,
          verifyDocker: values['verify-docker'] === true,
          defaultProxy: values.proxy,
          timeoutMs: probeFlags.timeoutMs,
        };

  let result: FixResult;
  if (values.ca) {
    const given = readCertificates(await readInput(resolve(values.ca), '--ca'), `--ca ${values.ca}`).map((cert) => cert.pem);
    const { caTrustSource } = await import('../core/chain/index');
    const source = await caTrustSource(given.join(''), probeFlags);
    checkGivenCa(source, trustUnknown, `--ca ${values.ca}`);
    const target = values.host ? parseHostPort(values.host) : undefined;
    result = await fixConfig({
      ...request,
      trustMode,
      rootInOsStore: source === 'system',
      servers: values.server,
      cas: { kind: 'given', pems: given },
      verify: target && { target, analyzer },
      runtimeCheck: target && (await runtimeCheck(target, undefined)),
    });
  } else {
    // The host is analysed, verified and proved through each server's own route (the proxy its host
    // gives it: its effective environment), unless --proxy names one for all.
    const at = parseHostPort(values.host as string);
    const routes = await routesOf(servers, values.server, at, values.proxy !== undefined, io.env, home);
    const results: FixResult[] = [];
    const sessionProxy = resolveProxy(at.host, at.port, values.proxy, io.env)?.display ?? null;
    for (const route of routes) {
      try {
        const report = await analyzer.analyze(route.target);
        results.push(
          await fixConfig({
            ...request,
            servers: route.servers,
            cas: { kind: 'report', report, trustUnknown },
            trustMode,
            rootInOsStore: report.verdict === 'intercepted',
            verify: { target: route.target, analyzer },
            runtimeCheck: await runtimeCheck(at, route.first, route.target),
          }),
        );
      } catch (error) {
        // Said with the route it was analysed on, when that is not the session's: the host drops the session's proxy.
        const taken = route.target.proxyEnv ? resolveProxy(at.host, at.port, undefined, probeEnvOf(route.target, io.env))?.display ?? null : sessionProxy;
        if (error instanceof DoctorError && taken !== sessionProxy) {
          const assumed = hostAppFlag === undefined && !configHost.known ? ` (assumed: ${configPath} is at no known place; --host-app ID names the host)` : '';
          throw new DoctorError(
            error.kind,
            `${error.message} Analysed as the server reaches it: ${taken ? `through ${taken}` : 'directly'}, because ${hostApp}${assumed} does not pass ${sessionProxy ? `the session's proxy (${sessionProxy})` : 'that proxy'} on to its servers.`,
            error.detail,
          );
        }
        throw error;
      }
    }
    result = mergeResults(results);
  }
  if (values.host && values['no-runtime-check'] !== true && hostAppFlag === undefined && !configHost.known) {
    result.warnings.push({
      code: 'host-assumed',
      message: `${configPath} is not where a known MCP host keeps its config: its servers were given the environment ${hostApp} gives them (their route and the runtime check); name the host that reads it with --host-app ID (${hostIds.join(', ')})`,
    });
  }
  io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : human(result));
  return EXIT_OK;
};

/**
 * The selected stdio servers by route (assess.ts's rule: the proxy their host gives them); one route
 * for all when --proxy names it or no stdio server is selected (the plan then says why each is skipped).
 */
async function routesOf(
  servers: McpServer[],
  names: string[] | undefined,
  at: HostTarget,
  proxyGiven: boolean,
  hostEnv: NodeJS.ProcessEnv,
  home: string,
): Promise<{ target: ServerTarget; servers: string[] | undefined; first?: McpServer }[]> {
  const selected = servers.filter((server) => server.transport === 'stdio' && (!names || names.length === 0 || names.includes(server.name)));
  if (proxyGiven || selected.length === 0) return [{ target: at, servers: names, first: selected[0] }];
  const envOf = environments(hostEnv);
  const routes = new Map<string, { target: ServerTarget; servers: string[]; first: McpServer }>();
  for (const server of selected) {
    const route = routeOf(server, await envOf(server, home), { at });
    if (!route) continue;
    const key = targetKeyOf(route.target);
    const entry = routes.get(key) ?? { target: route.target, servers: [], first: server };
    entry.servers.push(server.name);
    routes.set(key, entry);
  }
  const all = [...routes.values()];
  // Servers the user did not name stay out; with one route, keep the user's selection as given (the contract's `--server`).
  return all.length === 1 ? [{ ...(all[0] as (typeof all)[number]), servers: names }] : all;
}

/** One result for the contract's JSON, when servers of one config went through several routes. */
function mergeResults(results: FixResult[]): FixResult {
  const [first, ...rest] = results as [FixResult, ...FixResult[]];
  return rest.reduce<FixResult>(
    (merged, next) => ({
      ...merged,
      bundleWritten: merged.bundleWritten || next.bundleWritten,
      changed: [...merged.changed, ...next.changed],
      skipped: [...merged.skipped, ...next.skipped],
      removedInsecure: [...merged.removedInsecure, ...next.removedInsecure],
      warnings: [...merged.warnings, ...next.warnings],
      cas: [...merged.cas, ...next.cas.filter((ca) => !merged.cas.some((known) => known.sha256 === ca.sha256))],
      undoManifest: next.undoManifest ?? merged.undoManifest,
    }),
    first,
  );
}
