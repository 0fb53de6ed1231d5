// `mcp-ssl-doctor chain HOST[:PORT] ...`: the presented chain, the built path and the verdict.
import { parseArgs } from 'node:util';
import { analyzeHost, chainTooLong, parseHostPort } from '../core/chain/index';
import type { CertInfo, ChainReport, PathCert, Verdict } from '../core/types';
import { DoctorError } from '../core/types';
import { Command, EXIT_OK, analyzerOptions } from './io';

const VERDICT_TEXT: Record<Verdict, string> = {
  trusted: 'trusted: the chain verifies to a public root; nothing to fix.',
  intercepted:
    'intercepted: the chain ends at a root your OS trusts but the public roots do not (a TLS-inspecting proxy). ' +
    'Runtimes with their own roots (Python, uv, Node) fail until they trust this root: `mcp-ssl-doctor fix` points them at it.',
  untrusted:
    'untrusted: the chain ends at a root that no store on this machine trusts. This may be an attack; ' +
    'trust it only if your IT confirms its fingerprint.',
  incomplete: 'incomplete: no path from the leaf to a root: the server sent too little and no store holds the missing issuer.',
  expired: 'expired: a certificate of the chain is outside its validity period; trusting a CA will not fix this.',
  'hostname-mismatch': 'hostname-mismatch: the certificate is not valid for this host name; trusting a CA will not fix this.',
};

export const chain: Command = async (argv, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        proxy: { type: 'string' },
        servername: { type: 'string' },
        'system-ca': { type: 'string' },
        'public-ca': { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new DoctorError('usage', (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new DoctorError('usage', 'expected exactly one HOST[:PORT]');
  const { host, port } = parseHostPort(positionals[0]!);
  const report = await analyzeHost({ ...analyzerOptions(values, io), host, port });
  io.stdout(values.json ? `${JSON.stringify(toContract(report), null, 2)}\n` : humanReport(report));
  return EXIT_OK;
};

/** The JSON of the CLI contract, exactly: certificates as {subject, issuer, sha256, notBefore, notAfter, selfSigned, ca}. */
export function toContract(report: ChainReport): ChainReport {
  const cert = (c: CertInfo): CertInfo => ({
    subject: c.subject,
    issuer: c.issuer,
    sha256: c.sha256,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    selfSigned: c.selfSigned,
    ca: c.ca,
  });
  return {
    host: report.host,
    port: report.port,
    proxy: report.proxy,
    presented: report.presented.map(cert),
    path: report.path.map((c) => ({ ...cert(c), source: c.source })),
    root: report.root,
    verdict: report.verdict,
    trust: report.trust,
    warnings: report.warnings,
  };
}

function humanReport(report: ChainReport): string {
  const lines: string[] = [];
  const where = `${report.host.includes(':') ? `[${report.host}]` : report.host}:${report.port}`;
  lines.push(`${where}${report.proxy ? ` via ${report.proxy}` : ''}`);
  lines.push('', `Presented by the server (${report.presented.length}):`);
  report.presented.forEach((cert, i) => lines.push(`  ${i}. ${cert.subject}`));
  lines.push('', 'Path (leaf → root):');
  report.path.forEach((cert, i) => {
    lines.push(`  ${i}. ${cert.subject}${cert.selfSigned ? '  [self-signed]' : ''}`);
    lines.push(`     issuer:  ${cert.issuer}`);
    lines.push(`     valid:   ${cert.notBefore} → ${cert.notAfter}`);
    lines.push(`     sha256:  ${cert.sha256}`);
    lines.push(`     from:    ${sourceText(cert.source)}`);
  });
  if (!report.root) lines.push('  (no root found)');
  const verdict = chainTooLong(report) ? 'incomplete: the chain is too long to follow (see the warning); no CA is missing.' : VERDICT_TEXT[report.verdict];
  lines.push('', `Verdict: ${verdict}`);
  if (report.root) {
    const stores = [report.trust.public && 'public roots', report.trust.system && 'OS store'].filter(Boolean);
    lines.push(`Root: ${report.root.subject} (sha256 ${report.root.sha256}), trusted by: ${stores.length ? stores.join(', ') : 'no store'}`);
  }
  for (const warning of report.warnings) lines.push('', `Warning [${warning.code}]: ${warning.message}`);
  return `${lines.join('\n')}\n`;
}

function sourceText(source: PathCert['source']): string {
  return source === 'presented' ? 'sent by the server' : source === 'system' ? 'OS trust store' : 'public roots';
}
