// The scripts runtimeCheck runs inside a server's own runtime: one TLS handshake to the target,
// through the proxy the environment names (HTTP CONNECT), verified the way the runtime verifies by
// default. Parameters are embedded as a JSON string literal (valid in Python and JavaScript), so
// nothing depends on how each runtime parses its argv. Output, one line each, flushed:
//   VERSION <name> <version>
//   CHECK <label> OK            | CHECK <label> FAIL <error text, one line>
// Exit 0 when every check passed, 1 otherwise.

export interface ProbeParams {
  host: string;
  port: number;
  /** SNI and the name verified; null for an IP target without servername. */
  servername: string | null;
  proxy: { host: string; port: number; auth: string | null } | null;
  /** Socket timeout inside the runtime (s): a little over the caller's, so the caller's timer decides. */
  timeoutSeconds: number;
}

/** A JSON text as a string literal both Python and JavaScript read back into the same text. */
function literal(params: ProbeParams): string {
  return JSON.stringify(JSON.stringify(params));
}

/**
 * Python: `ssl.create_default_context()` (what httpx and the standard library use; it reads
 * SSL_CERT_FILE / SSL_CERT_DIR through OpenSSL, and on 3.13+ sets VERIFY_X509_STRICT itself).
 * When REQUESTS_CA_BUNDLE is set, a second check with a context that trusts only that file, as
 * requests (urllib3) loads it. MCP_SSL_DOCTOR_PY_STRICT=1 adds VERIFY_X509_STRICT on an older
 * Python (a test hook: the strict rules of 3.13 checked with the interpreter at hand).
 */
export function pythonProbe(params: ProbeParams): string {
  return `
import json, os, socket, ssl, sys
P = json.loads(${literal(params)})
print("VERSION python %d.%d.%d" % sys.version_info[:3], flush=True)
def one_line(e):
    return (type(e).__name__ + ": " + str(e)).replace("\\r", " ").replace("\\n", " ")
def handshake(ctx):
    if os.environ.get("MCP_SSL_DOCTOR_PY_STRICT") == "1" and hasattr(ssl, "VERIFY_X509_STRICT"):
        ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    pr = P["proxy"]
    if pr:
        s = socket.create_connection((pr["host"], pr["port"]), timeout=P["timeoutSeconds"])
        target = ("[%s]" % P["host"] if ":" in P["host"] else P["host"]) + ":" + str(P["port"])
        req = "CONNECT %s HTTP/1.1\\r\\nHost: %s\\r\\n" % (target, target)
        if pr["auth"]:
            req += "Proxy-Authorization: Basic %s\\r\\n" % pr["auth"]
        s.sendall((req + "\\r\\n").encode("latin-1"))
        buf = b""
        while b"\\r\\n\\r\\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                raise OSError("the proxy closed the connection after CONNECT")
            buf += chunk
            if len(buf) > 65536:
                raise OSError("the proxy sent an oversized reply to CONNECT")
        status = buf.split(b"\\r\\n", 1)[0].decode("latin-1")
        parts = status.split(" ", 2)
        if len(parts) < 2 or parts[1] != "200":
            raise OSError("proxy refused CONNECT: " + status)
    else:
        s = socket.create_connection((P["host"], P["port"]), timeout=P["timeoutSeconds"])
    try:
        t = ctx.wrap_socket(s, server_hostname=P["servername"] or P["host"])
        t.close()
    finally:
        s.close()
failed = False
checks = [("default", None)]
bundle = os.environ.get("REQUESTS_CA_BUNDLE")
if bundle:
    checks.append(("requests", bundle))
for label, cafile in checks:
    try:
        handshake(ssl.create_default_context(cafile=cafile) if cafile else ssl.create_default_context())
        print("CHECK " + label + " OK", flush=True)
    except Exception as e:
        failed = True
        print("CHECK " + label + " FAIL " + one_line(e), flush=True)
sys.exit(1 if failed else 0)
`;
}

/**
 * Node (and Bun, which runs the same script): `tls.connect` with the runtime's default CAs — its
 * bundled roots plus NODE_EXTRA_CA_CERTS, read at start — and `rejectUnauthorized: true` whatever
 * NODE_TLS_REJECT_UNAUTHORIZED says (a check of trust, not of a setting that turns it off).
 */
export function nodeProbe(params: ProbeParams): string {
  return `
const net = require('net'), tls = require('tls');
const P = JSON.parse(${literal(params)});
const name = typeof Bun !== 'undefined' ? 'bun ' + Bun.version : 'node ' + process.version;
process.stdout.write('VERSION ' + name + '\\n');
const line = (e) => String((e && e.code ? e.code + ': ' : '') + (e && e.message ? e.message : e)).replace(/[\\r\\n]+/g, ' ');
let finished = false;
const done = (ok, text) => finished || (finished = true) && process.stdout.write('CHECK default ' + (ok ? 'OK' : 'FAIL ' + text) + '\\n', () => process.exit(ok ? 0 : 1));
const tlsOver = (socket) => {
  const options = { rejectUnauthorized: true, host: P.host, port: P.port };
  if (socket) options.socket = socket;
  if (P.servername) options.servername = P.servername;
  const t = tls.connect(options, () => { t.destroy(); done(true); });
  t.setTimeout(P.timeoutSeconds * 1000, () => t.destroy(new Error('TLS handshake timed out')));
  t.on('error', (e) => done(false, line(e)));
};
if (P.proxy) {
  const s = net.connect(P.proxy.port, P.proxy.host);
  s.setTimeout(P.timeoutSeconds * 1000, () => s.destroy(new Error('the proxy did not answer')));
  s.on('error', (e) => done(false, line(e)));
  s.once('connect', () => {
    const target = (P.host.includes(':') ? '[' + P.host + ']' : P.host) + ':' + P.port;
    s.write('CONNECT ' + target + ' HTTP/1.1\\r\\nHost: ' + target + '\\r\\n' +
      (P.proxy.auth ? 'Proxy-Authorization: Basic ' + P.proxy.auth + '\\r\\n' : '') + '\\r\\n');
    let buf = Buffer.alloc(0);
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\\r\\n\\r\\n');
      if (end === -1) { if (buf.length > 65536) s.destroy(new Error('oversized CONNECT reply')); return; }
      s.removeListener('data', onData);
      const status = buf.subarray(0, buf.indexOf('\\r\\n')).toString('latin1');
      if (status.split(' ')[1] !== '200') { s.destroy(); done(false, 'proxy refused CONNECT: ' + status); return; }
      s.setTimeout(0);
      s.pause();
      const rest = buf.subarray(end + 4);
      if (rest.length) s.unshift(rest);
      tlsOver(s);
    };
    s.on('data', onData);
  });
} else {
  tlsOver(null);
}
`;
}

/** Deno: `Deno.connectTls` (its roots plus DENO_CERT), `Deno.startTls` over a CONNECT tunnel. */
export function denoProbe(params: ProbeParams): string {
  return `
const P = JSON.parse(${literal(params)});
const enc = new TextEncoder(), dec = new TextDecoder();
await Deno.stdout.write(enc.encode('VERSION deno ' + Deno.version.deno + '\\n'));
const line = (e) => String((e && e.name ? e.name + ': ' : '') + (e && e.message ? e.message : e)).replace(/[\\r\\n]+/g, ' ');
let ok = true, text = '';
try {
  const hostname = P.servername || P.host;
  let conn;
  if (P.proxy) {
    const raw = await Deno.connect({ hostname: P.proxy.host, port: P.proxy.port });
    const target = (P.host.includes(':') ? '[' + P.host + ']' : P.host) + ':' + P.port;
    await raw.write(enc.encode('CONNECT ' + target + ' HTTP/1.1\\r\\nHost: ' + target + '\\r\\n' +
      (P.proxy.auth ? 'Proxy-Authorization: Basic ' + P.proxy.auth + '\\r\\n' : '') + '\\r\\n'));
    let head = '';
    const buf = new Uint8Array(1);
    while (!head.endsWith('\\r\\n\\r\\n')) {
      const n = await raw.read(buf);
      if (n === null) throw new Error('the proxy closed the connection after CONNECT');
      head += dec.decode(buf.subarray(0, n));
      if (head.length > 65536) throw new Error('oversized CONNECT reply');
    }
    const status = head.split('\\r\\n')[0];
    if (status.split(' ')[1] !== '200') throw new Error('proxy refused CONNECT: ' + status);
    conn = await Deno.startTls(raw, { hostname });
  } else {
    conn = await Deno.connectTls({ hostname: P.host, port: P.port });
  }
  await conn.handshake();
  conn.close();
} catch (e) {
  ok = false;
  text = line(e);
}
await Deno.stdout.write(enc.encode('CHECK default ' + (ok ? 'OK' : 'FAIL ' + text) + '\\n'));
Deno.exit(ok ? 0 : 1);
`;
}

/** A POSIX shell script for `docker run`: whichever of python3 / node the image has runs its probe. */
export function dockerShellProbe(): string {
  return 'if command -v python3 >/dev/null 2>&1; then exec python3 -I -c "$MCP_SSL_DOCTOR_PY"; ' +
    'elif command -v node >/dev/null 2>&1; then exec node -e "$MCP_SSL_DOCTOR_JS"; ' +
    'else echo "VERSION unknown"; echo "CHECK default SKIP the image has neither python3 nor node"; exit 3; fi';
}
