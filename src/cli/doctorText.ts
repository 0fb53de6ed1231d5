// The English of `mcp-ssl-doctor doctor`: the core (core/usecases/doctor.ts) gives states, reason
// codes and data; every sentence a person reads at a terminal is written here.
import { fingerprintText } from '../core/text';
import * as path from 'node:path';
import type { DoctorResult, ServerReport } from '../core/usecases/doctor';
import { DEFAULT_PROBE } from '../core/assess/targets';
import { redactProxyUrl } from '../core/chain/proxy';
import { CA_VARIABLES } from '../core/runtime/variables';

/** Which store trusts a root the fix would trust. */
export type RootStore = 'os-store' | 'public' | 'none';

/** A root the fix would have servers trust, and the servers it goes to. */
export interface PendingRoot {
  subject: string;
  sha256: string;
  store: RootStore;
  servers: ServerReport[];
}

/** What the run did, for its closing lines. */
export type DoctorMode = 'report' | 'check' | 'fix' | 'declined';


/** A file under the home as `~/…`. */
export function shortener(home: string): (file: string) => string {
  return (file) => (file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file);
}

function targetText(server: ServerReport): string {
  return server.target ? `${server.target.host.includes(':') ? `[${server.target.host}]` : server.target.host}:${server.target.port}` : '-';
}

/** A server as a person finds it in the list: its name and its config (and project). */
export function serverRef(server: ServerReport, short: (file: string) => string): string {
  return `${server.server} (${short(server.config)}${server.project ? ` [${server.project}]` : ''})`;
}

/** One line for a person, from the server's reason code and its data: the log line, the probe error, the root. */
export function messageOf(server: ServerReport): string {
  const root = server.root?.subject;
  switch (server.reason) {
    case 'invalid-entry':
      return 'neither a command nor a url: the host cannot start it';
    case 'probe-failed': {
      const dropped = server.droppedProxy;
      const error = server.probeError ?? 'the probe failed';
      return dropped ? `${error}; ${whoseProxy(server)} (${dropped.url}) fails too: ${dropped.sessionError ?? 'unknown error'}` : error;
    }
    case 'config-not-read':
      return 'its config is not trusted: the host it names was not probed';
    case 'no-url':
      return 'no https url to probe';
    case 'public-root':
      return server.failure ? `${server.failure} (but nothing intercepts ${server.target?.host ?? 'its host'}: another cause)` : 'verifies to a public root';
    case 'not-fixable-verdict':
      return server.chainTooLong ? 'certificate path too long to follow (no CA is missing; no bundle helps)' : `verdict ${server.verdict ?? 'unknown'}`;
    case 'strict-python':
      return 'Python 3.13+ rejects this CA under strict X.509 rules: IT must reissue it, or run the server on Python 3.12';
    case 'trusts-root':
      return `trusts ${root ?? 'the root'} through ${server.trustedVia ?? '?'}`;
    case 'bundle-stale':
      if (server.failure) return server.failure;
      return server.bundle?.stale === 'public-roots' ? "its bundle's public roots are older than this runtime's" : `its bundle lacks ${root ?? 'the root'}, which its target presents now`;
    case 'remote':
    case 'unknown-root':
      if (server.transport === 'remote') return `the host connects itself to a target re-signed by ${root ?? 'a root'}`;
      return server.failure ?? `runtime does not trust ${root ?? 'the root'}`;
    case 'out-of-reach':
    case 'log-failure':
    case 'root-not-trusted':
      return server.failure ?? `runtime does not trust ${root ?? 'the root'}`;
    case 'proxy-dropped': {
      const through = root ? (server.trustedVia ? `it trusts ${root}` : `it meets ${root}`) : 'nothing intercepts it';
      return `it goes directly, which fails (${server.droppedProxy?.directError ?? 'unreachable'}); through ${server.droppedProxy?.url ?? 'the proxy'} ${through}`;
    }
  }
}

/** The proxy a server does not get: the session's, which its host drops, or the system's, which no environment carries. */
function whoseProxy(server: ServerReport): string {
  return server.droppedProxy?.from
    ? `the system's proxy, which no environment carries (${server.droppedProxy.from})`
    : `the session's proxy, which ${server.hostApp} does not pass on`;
}

/** doctor's JSON: the core's report with each server's line for a person (`message`). */
export function doctorJson(result: DoctorResult): string {
  return `${JSON.stringify({ ...result, servers: result.servers.map((server) => ({ ...server, message: messageOf(server) })) }, null, 2)}\n`;
}

/** Why a server's state is unknown, and what to do about it. */
function unknownText(server: ServerReport): string {
  if (server.reason === 'invalid-entry') return `unknown: ${messageOf(server)}`;
  const where = targetText(server);
  switch (server.verdict) {
    case 'incomplete':
      return server.missingIssuer
        ? `unknown: no certificate path at ${where}: it is signed by ${server.missingIssuer}, which neither the OS store nor the public roots hold ` +
            `(it was not sent with the chain). If that is your company's proxy, give its root with --ca FILE, or the store that holds it with --system-ca FILE`
        : `unknown: the chain at ${where} is too long to follow (mcp-ssl-doctor chain ${where} shows it)`;
    case 'expired':
      return `unknown: ${where} presents an expired certificate: trusting a CA will not fix that; its owner must renew it`;
    case 'hostname-mismatch':
      return `unknown: ${where} presents a certificate for another name: trusting a CA will not fix that (mcp-ssl-doctor chain ${where} shows it)`;
    case null:
      return server.target ? `unknown: ${messageOf(server)}` : 'unknown: no host to probe for it: name one with --probe-host HOST[:PORT], or give the CA with --ca FILE';
    default:
      return `unknown: verdict ${server.verdict} (mcp-ssl-doctor chain ${where} shows the chain)`;
  }
}

function unreachableText(server: ServerReport): string {
  const base = `unreachable: ${messageOf(server)}`;
  if (server.targetSource === 'runtime-default' && server.target) {
    const launcher = server.target.host === DEFAULT_PROBE.node.host ? 'npx' : 'uvx and pip';
    return `${base} — ${server.target.host} is where ${launcher} download packages (its entry names no https URL); if the server connects elsewhere, name that host with --probe-host HOST[:PORT], or give the CA with --ca FILE`;
  }
  if (server.targetSource === 'setting') return `${base} (the --probe-host)`;
  return base;
}

/** Why a server goes directly: its host drops the session's proxy, or the proxy is the system's, which no environment carries. */
function droppedText(server: ServerReport): string {
  const url = server.droppedProxy?.url ?? 'HTTPS_PROXY';
  if (server.droppedProxy?.from) return `the system's proxy (${url}, from ${server.droppedProxy.from}) is in no environment, so the server does not use it`;
  return `${server.hostApp} does not pass on the session's proxy (${url})`;
}

/** A bundle this tool wrote that needs renewing: which one, and why. */
function staleText(server: ServerReport, short: (file: string) => string): string {
  const bundle = server.bundle;
  if (!bundle) return '';
  return bundle.stale === 'public-roots'
    ? `its bundle ${short(bundle.path)} (written by mcp-ssl-doctor, ${bundle.via}) has public roots older than this runtime's`
    : `its bundle ${short(bundle.path)} (written by mcp-ssl-doctor, ${bundle.via}) lacks the root its target presents now: ${server.root?.subject ?? 'a renewed root'} (SHA-256 ${fingerprintText(server.root?.sha256 ?? '')})`;
}

export function stateText(server: ServerReport, short: (file: string) => string = (file) => file): string {
  if (server.reason === 'bundle-stale' && server.bundle) {
    const why = staleText(server, short);
    return server.state === 'ok' ? `ok, but ${why}` : server.state === 'failing' ? `failing now: ${why}` : `will fail: ${why}`;
  }
  switch (server.state) {
    case 'will-fail':
      if (server.reason === 'proxy-dropped') return `will fail: ${droppedText(server)} — ${messageOf(server)}`;
      if (server.reason === 'out-of-reach') return `will fail: it meets ${server.root?.subject ?? 'a root'} where no entry edit reaches (see the next step)`;
      return server.reason === 'unknown-root'
        ? `will fail: ${server.root?.subject ?? 'a root'} is in no trust store (SHA-256 ${fingerprintText(server.root?.sha256 ?? '')})`
        : `will fail: runtime does not trust ${server.root?.subject ?? 'the root'}`;
    case 'failing':
      if (server.reason === 'proxy-dropped') return `failing now: ${droppedText(server)} — ${messageOf(server)}`;
      return `failing now: ${messageOf(server)}`;
    case 'remote-host-trust':
      return `remote: trust belongs to ${server.hostApp}`;
    case 'strict-ca':
      return `strict-ca: ${messageOf(server)}`;
    case 'unreachable':
      return unreachableText(server);
    case 'ok':
      return `ok (${messageOf(server)})`;
    case 'unknown':
      return unknownText(server);
  }
}

function fixText(server: ServerReport): string {
  if (server.fix.kind === 'env' && server.bundle) return '\n    fix (env): renew that bundle (the tool\'s own: no --replace needed)';
  if (server.fix.kind === 'none') return server.fix.detail ? `\n    fix: none (${server.fix.detail})` : '';
  if (server.fix.kind === 'host-level' && server.fix.inPlace) return `\n    fix (host-level): already in place (nothing to do): ${server.fix.detail}`;
  return `\n    fix (${server.fix.kind}): ${server.fix.detail}`;
}

/**
 * A config's read error without the single-file commands' closing "nothing was changed": doctor
 * looks at many files, and says itself what happened to each.
 */
function unreadableText(bad: DoctorResult['unreadable'][number], short: (file: string) => string, mode: DoctorMode): string {
  const why = (bad.message.startsWith(bad.config) ? bad.message.slice(bad.config.length) : `: ${bad.message}`).replace(/[;:,.]?\s*nothing was changed\.?$/i, '');
  return `cannot read ${short(bad.config)}${why}${mode === 'fix' ? ' (its servers were not looked at, and it was left as it is)' : ' (its servers were not looked at)'}`;
}

/** One line per server (and its fix), then the configs that could not be read. */
export function reportText(result: DoctorResult, home: string, mode: DoctorMode): string {
  const short = shortener(home);
  const lines: string[] = [];
  if (result.configs.length === 0) lines.push('No MCP config found.');
  for (const server of result.servers) {
    const where = `${short(server.config)}${server.project ? ` [${server.project}]` : ''}`;
    lines.push(`${server.hostApp}  ${where}  ${server.server}  ${server.transport === 'remote' ? 'remote' : server.runtime}  ${targetText(server)}  ${stateText(server, short)}${fixText(server)}`);
  }
  for (const bad of result.unreadable) lines.push(unreadableText(bad, short, mode));
  for (const warning of result.warnings) lines.push(`warning: ${warning.config ? `${short(warning.config)}: ` : ''}${warning.message}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function storeText(store: RootStore): string {
  switch (store) {
    case 'os-store':
      return 'trusted by the OS store (the usual case: IT installed it)';
    case 'public':
      return 'trusted by the public roots';
    case 'none':
      return "WARNING: no trust store holds it: this may be an attack rather than your company's proxy. Trust it only if IT confirms this SHA-256";
  }
}

/**
 * What a change set: its CA variables → the bundle, then any other variable with its value (the
 * route, WSLENV); a proxy URL shown without credentials.
 */
export function envChangeText(env: Record<string, string>, bundle: string): string {
  const ca = Object.keys(env).filter((name) => CA_VARIABLES.includes(name));
  const others = Object.entries(env).filter(([name]) => !CA_VARIABLES.includes(name)).map(([name, value]) => `${name}=${/_PROXY$/i.test(name) ? redactProxyUrl(value) : value}`);
  return [...(ca.length > 0 ? [`${ca.join(', ')} → ${bundle}`] : []), ...(others.length > 0 ? [others.join(', ')] : [])].join('; ');
}

/** A server the fix also hands a proxy: which one (never its credentials). */
function routeNote(server: ServerReport): string {
  const dropped = server.droppedProxy;
  return server.reason === 'proxy-dropped' && dropped && dropped.adds.length > 0 ? `, with the proxy ${dropped.url} in its env` : '';
}

/** Before anything is trusted: each root, its SHA-256, which store trusts it, and the servers it goes to. */
export function rootsText(roots: PendingRoot[], home: string): string {
  const short = shortener(home);
  const lines = ['', 'The fix would have these servers trust:'];
  for (const root of roots) {
    lines.push(`  ${root.subject}`, `    SHA-256 ${fingerprintText(root.sha256)}`, `    ${storeText(root.store)}`);
    lines.push(`    for ${root.servers.length} server(s): ${root.servers.map((server) => `${serverRef(server, short)}${server.fix.kind === 'host-level' ? ` through ${server.hostApp}'s own settings` : ''}${routeNote(server)}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function questionText(pending: number): string {
  return `Apply the fixes to ${pending} server(s)? [y/N] `;
}

/**
 * What was changed and skipped, then one closing line per thing that is not done (or "done").
 * `stillFailing`: after --fix, the servers it left failing; for --check, those --fix cannot fix.
 * `unchecked`: servers whose state is not known (unreachable, unknown): never called "done".
 */
export function outcomeText(result: DoctorResult, home: string, mode: DoctorMode, left: { pending: number; stillFailing: ServerReport[]; unchecked: ServerReport[] }): string {
  const short = shortener(home);
  const lines: string[] = [];
  for (const change of result.changed) {
    if (change.kind === 'host-level') {
      const what = [...Object.keys(change.env).map((name) => `env.${name}`), ...Object.keys(change.settings ?? {})].join(', ');
      lines.push(`changed ${short(change.config)} (host-level, for remote ${change.server}): ${what}${Object.keys(change.env).length > 0 ? ` → ${change.bundle}` : ''}`);
    } else if (change.mechanism === 'os-store') {
      lines.push(`changed ${short(change.config)} ${change.server}: ${Object.entries(change.env).map(([name, value]) => `${name}=${value}`).join(', ')} (its runtime reads the OS store: no bundle)`);
    } else if (change.renewed !== undefined) {
      lines.push(`renewed ${short(change.config)} ${change.server}: ${Object.keys(change.env).join(', ')} → ${change.bundle}${change.renewed.endsWith(change.bundle.split(/[\\/]/).pop() ?? '\0') ? ' (the same file, new content)' : ` (was ${change.renewed})`}`);
    } else lines.push(`changed ${short(change.config)} ${change.server}: ${envChangeText(change.env, change.bundle)}`);
    if (change.verified) lines.push(`    ${change.verified.message}`);
  }
  for (const skip of result.skipped) lines.push(`skipped ${short(skip.config)} ${skip.server}: ${skip.reason}`);
  const unreadable = result.unreadable.length > 0 ? `${result.unreadable.length} config(s) could not be read: ${result.unreadable.map((bad) => short(bad.config)).join(', ')}` : '';
  const names = left.stillFailing.map((server) => serverRef(server, short)).join(', ');
  const failing = left.stillFailing.length === 0 ? '' : mode === 'check' ? `${left.stillFailing.length} server(s) will fail and --fix cannot fix them: ${names}` : `${left.stillFailing.length} server(s) will still fail: ${names}`;
  const unchecked = left.unchecked.length > 0 ? `${left.unchecked.length} server(s) (see their lines above): ${left.unchecked.map((server) => serverRef(server, short)).join(', ')}` : '';
  switch (mode) {
    case 'declined':
      lines.push('Nothing changed: no fix was applied.');
      break;
    case 'fix': {
      // A skip is not done either (the exit code says 1 for it too): never "done" beside one.
      const skipped = result.skipped.length > 0 ? `${new Set(result.skipped.map((skip) => `${skip.config}\0${skip.server}`)).size} server(s) skipped (see their lines above)` : '';
      for (const problem of [unreadable, failing, skipped]) if (problem) lines.push(`not done: ${problem}`);
      if (unchecked) lines.push(`not checked: ${unchecked}`);
      if (!unreadable && !failing && !skipped && !unchecked) lines.push(result.changed.length > 0 ? `done: ${new Set(result.changed.map((change) => `${change.config}\0${change.server}`)).size} change(s) applied` : 'done: nothing to change');
      break;
    }
    case 'check': {
      const wouldChange = left.pending > 0 ? `${left.pending} server(s) would be changed by --fix` : '';
      for (const problem of [wouldChange, unreadable, failing]) if (problem) lines.push(`check failed: ${problem}`);
      if (unchecked) lines.push(`not checked: ${unchecked}`);
      if (!wouldChange && !unreadable && !failing && !unchecked) lines.push('check passed: nothing to change');
      break;
    }
    case 'report':
      if (left.pending > 0) lines.push(`${left.pending} server(s) can be fixed: mcp-ssl-doctor doctor --fix`);
      break;
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
