// The proxy macOS and Windows keep outside the environment: a user behind it has no HTTPS_PROXY, the
// browsers and the editor use it, and every MCP server — whatever its host passes on — goes directly.
// Read as the session's proxy (assess/route.ts), in the variables a runtime reads:
// - macOS: `scutil --proxy` (the dictionary of the primary service: HTTPSEnable/HTTPSProxy/HTTPSPort,
//   HTTPEnable/..., ExceptionsList, ProxyAutoConfigEnable/ProxyAutoConfigURLString).
// - Windows: the user's Internet settings, `reg query "HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"`
//   (ProxyEnable, ProxyServer `host:port` or `http=h:p;https=h:p`, ProxyOverride `a;b;<local>`, AutoConfigURL).
// A PAC file (ProxyAutoConfigURLString, AutoConfigURL) is JavaScript a runtime cannot follow: it is
// reported, never evaluated here.

export interface SystemProxy {
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY as a runtime reads them; {} when the system names no proxy. */
  env: Record<string, string>;
  /** The PAC file the system uses, when it uses one. */
  pac?: string;
  /** Where it was read. */
  source: string;
}

/** `Key : Value` lines of `scutil --proxy`, and the items of its ExceptionsList array. */
export function parseScutilProxy(text: string): SystemProxy {
  const values = new Map<string, string>();
  const exceptions: string[] = [];
  let inExceptions = false;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (/^ExceptionsList\s*:\s*<array>\s*\{$/.test(trimmed)) {
      inExceptions = true;
      continue;
    }
    if (inExceptions) {
      if (trimmed === '}') inExceptions = false;
      else {
        const item = /^\d+\s*:\s*(.+)$/.exec(trimmed);
        if (item?.[1]) exceptions.push(item[1].trim());
      }
      continue;
    }
    const pair = /^([A-Za-z]+)\s*:\s*(.*)$/.exec(trimmed);
    if (pair?.[1] && pair[2] !== undefined && !pair[2].startsWith('<')) values.set(pair[1], pair[2].trim());
  }
  const proxy = (kind: 'HTTPS' | 'HTTP'): string | undefined => {
    const host = values.get(`${kind}Proxy`);
    if (values.get(`${kind}Enable`) !== '1' || !host) return undefined;
    const port = values.get(`${kind}Port`);
    return `http://${host}${port ? `:${port}` : ''}`;
  };
  const env: Record<string, string> = {};
  const https = proxy('HTTPS');
  const http = proxy('HTTP');
  if (https) env.HTTPS_PROXY = https;
  if (http) env.HTTP_PROXY = http;
  if ((https || http) && exceptions.length > 0) env.NO_PROXY = exceptions.map(noProxyEntry).join(',');
  const pac = values.get('ProxyAutoConfigEnable') === '1' ? values.get('ProxyAutoConfigURLString') : undefined;
  return { env, ...(pac ? { pac } : {}), source: 'scutil --proxy' };
}

/** `*.corp.example` → `.corp.example` (the NO_PROXY spelling curl, Python and Node read); `<local>` dropped. */
function noProxyEntry(entry: string): string {
  return entry.replace(/^\*\./, '.');
}

/** The values of `reg query ... "Internet Settings"`: `    Name    REG_TYPE    value`. */
export function parseWindowsInternetSettings(text: string): SystemProxy {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s+(\S+)\s+REG_\w+\s+(.*)$/.exec(line);
    if (match?.[1]) values.set(match[1], (match[2] ?? '').trim());
  }
  const env: Record<string, string> = {};
  const enabled = /^0x0*1$/i.test(values.get('ProxyEnable') ?? '');
  const server = values.get('ProxyServer');
  if (enabled && server) {
    // `host:port` for every scheme, or `http=h:p;https=h:p;socks=h:p`.
    const perScheme = new Map(server.split(';').map((part) => {
      const at = part.indexOf('=');
      return at === -1 ? ['', part.trim()] : [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()];
    }));
    const url = (value: string | undefined): string | undefined => (value ? (/^[a-z]+:\/\//i.test(value) ? value : `http://${value}`) : undefined);
    const https = url(perScheme.get('https') ?? perScheme.get(''));
    const http = url(perScheme.get('http') ?? perScheme.get(''));
    if (https) env.HTTPS_PROXY = https;
    if (http) env.HTTP_PROXY = http;
    const override = (values.get('ProxyOverride') ?? '').split(';').map((entry) => entry.trim()).filter((entry) => entry && entry !== '<local>');
    if ((https || http) && override.length > 0) env.NO_PROXY = override.map(noProxyEntry).join(',');
  }
  const pac = values.get('AutoConfigURL');
  return { env, ...(pac ? { pac } : {}), source: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings' };
}

export type CommandOutput = (command: string, args: string[]) => Promise<string>;

async function execOutput(command: string, args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 5000, windowsHide: true, maxBuffer: 1024 * 1024 }, (error, stdout) => resolve(error ? '' : stdout));
  });
}

/** The system's proxy on macOS and Windows; null elsewhere, or when it cannot be read. */
export async function readSystemProxy(platform: NodeJS.Platform, run: CommandOutput = execOutput): Promise<SystemProxy | null> {
  if (platform === 'darwin') {
    const out = await run('/usr/sbin/scutil', ['--proxy']);
    return out ? parseScutilProxy(out) : null;
  }
  if (platform === 'win32') {
    const out = await run('reg', ['query', 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings']);
    return out ? parseWindowsInternetSettings(out) : null;
  }
  return null;
}
