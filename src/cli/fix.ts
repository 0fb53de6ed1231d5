// `mcp-ssl-doctor fix`: write the CA bundle and point the selected servers of one config at it.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseHostPort } from '../core/chain/hostPort';
import { inProcessAnalyzer } from '../core/doctor/analyzer';
import { hostOfConfig } from '../core/doctor/discover';
import { HOST_ENV } from '../core/doctor/hostEnv';
import { readServers } from '../core/doctor/inventory';
import { CaSource, fixConfig } from '../core/doctor/fixPipeline';
import { checkGivenCa } from '../core/doctor/policy';
import type { HostTarget } from '../core/doctor/types';
import type { FixResult } from '../core/fix/apply';
import { BundleMode, readCertificates } from '../core/fix/bundle';
import type { HostId } from '../core/fix/locations';
import { resolveProxy } from '../core/chain/proxy';

import { Command, EXIT_OK, EXIT_USAGE, analyzerOptions, homeOf, readInput } from './io';

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
  // Remote servers: the trust goes into the host (src/cli/hostLevel.ts).
  'host-level': { type: 'string' },
  settings: { type: 'string' },
  'yes-os-store': { type: 'boolean' },
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
        : `  ${change.server} (${change.runtime}): sets ${vars} = ${result.bundleInConfig}`,
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
  if (values.settings || values['yes-os-store']) return usage('--settings and --yes-os-store go with --host-level HOSTAPP');
  if (!values.config) return usage('--config FILE is required');
  if (!values.ca && !values.host) return usage('give the CA (--ca PEM) or a host to find it from (--host HOST[:PORT])');
  const hostIds = Object.keys(HOST_ENV) as HostId[];
  const hostAppFlag = values['host-app'];
  if (hostAppFlag !== undefined && !hostIds.includes(hostAppFlag as HostId)) {
    return usage(`--host-app ${hostAppFlag}: expected one of ${hostIds.join(', ')}`);
  }
  const mode = (values.mode ?? 'combined') as BundleMode;
  if (mode !== 'combined' && mode !== 'ca-only') return usage(`--mode ${values.mode}: expected combined or ca-only`);
  const resolve = (file: string): string => path.resolve(io.cwd, file);
  const configPath = resolve(values.config);
  const publicPem = values['public-ca'] ? (await readInput(resolve(values['public-ca']), '--public-ca')).toString('utf8') : undefined;

  // Which host's rules decide the environment a server gets: the flag, else where the file sits.
  const configHost = hostOfConfig(configPath);
  const hostApp = (hostAppFlag as HostId | undefined) ?? configHost.hostApp;
  // A malformed or unknown file is bad input: said before any host is probed.
  await readServers({ hostApp, path: configPath, scope: 'user', resolvesVariables: false });
  const trustUnknown = values['trust-unknown-ca'] === true;
  const probeFlags = analyzerOptions(values, io);
  const analyzer = inProcessAnalyzer(probeFlags);
  const target = values.host ? parseHostPort(values.host) : undefined;
  let cas: CaSource;
  if (values.ca) {
    const given = readCertificates(await readInput(resolve(values.ca), '--ca'), `--ca ${values.ca}`).map((cert) => cert.pem);
    const { caTrustSource } = await import('../core/chain/index');
    checkGivenCa(await caTrustSource(given.join(''), probeFlags), trustUnknown, `--ca ${values.ca}`);
    cas = { kind: 'given', pems: given };
  } else {
    cas = { kind: 'report', report: await analyzer.analyze(target as HostTarget), trustUnknown };
  }
  const runtimeChecked = target !== undefined && values['no-runtime-check'] !== true;
  // The route the analysis took (the CA came from there): the runtime check says when a server's own differs.
  const analysisRoute = target && cas.kind === 'report' ? { proxy: resolveProxy(target.host, target.port, values.proxy, io.env)?.display ?? null } : undefined;
  const result = await fixConfig({
    configPath,
    servers: values.server,
    cas,
    verify: target && { target, analyzer },
    mode,
    bundleDir: values['bundle-dir'] ? resolve(values['bundle-dir']) : undefined,
    home: homeOf(io),
    publicPem,
    replace: values.replace === true,
    removeInsecure: values['remove-insecure'] === true,
    dryRun: values['dry-run'] === true,
    // Proof in each server's own runtime needs the host it will reach: with --host.
    runtimeCheck:
      target && runtimeChecked
        ? {
            hostApp,
            target,
            servername: values.servername,
            analysisRoute,
            hostEnv: io.env,
            context: { home: homeOf(io), workspaceFolder: path.dirname(path.dirname(configPath)), env: io.env },
            verifyDocker: values['verify-docker'] === true,
            defaultProxy: values.proxy,
            timeoutMs: probeFlags.timeoutMs,
          }
        : undefined,
  });
  if (runtimeChecked && hostAppFlag === undefined && !configHost.known) {
    result.warnings.push({
      code: 'host-assumed',
      message: `${configPath} is not where a known MCP host keeps its config: the runtime check gave its servers the environment ${hostApp} gives them; name the host that reads it with --host-app ID (${hostIds.join(', ')})`,
    });
  }
  io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : human(result));
  return EXIT_OK;
};
