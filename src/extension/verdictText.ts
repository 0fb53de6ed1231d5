import * as vscode from 'vscode';
import { commonNameOf, markdownSafe } from '../core/text';
import { chainTooLong } from '../core/chain/verdict';
import type { ChainReport, FindingKind } from '../core/types';

/**
 * "CN=Corp Root, O=Corp" → "Corp Root": the last CN of the parsed name (escaped commas honoured, so
 * `O=Evil\, CN=Corporate CA, CN=Attacker Root` is "Attacker Root"). Raw text: markdownSafe it
 * before it goes into a notification.
 */
export function commonName(subject: string): string {
  return commonNameOf(subject);
}

/** The verdict in plain words, for tooltips, notifications and the chain viewer (names markdown-safe). */
export function verdictText(report: ChainReport): string {
  const root = report.root ? markdownSafe(commonName(report.root.subject)) : '';
  const host = markdownSafe(report.host);
  switch (report.verdict) {
    case 'trusted':
      return vscode.l10n.t('The certificate of {0} verifies to a public root ({1}). Nothing intercepts this connection.', host, root);
    case 'intercepted':
      return vscode.l10n.t(
        'The connection to {0} is re-signed by "{1}", a CA your operating system trusts (typically a corporate TLS-inspecting proxy). Python, uv and Node do not read the OS store, so MCP servers fail until they are pointed at this CA.',
        host,
        root,
      );
    case 'untrusted':
      return vscode.l10n.t(
        'The certificate of {0} ends at "{1}", a root that neither the OS nor the public root list trusts. This may be an attack; only trust it if your IT department confirms its fingerprint.',
        host,
        root,
      );
    case 'incomplete':
      if (chainTooLong(report)) {
        return vscode.l10n.t('{0} sends a certificate path too long to follow ({1} certificates): no CA is missing, and trusting a CA will not fix it; the server or proxy is misconfigured.', host, String(report.presented.length));
      }
      return vscode.l10n.t('No issuer could be found for the certificate of {0}: the server or proxy sends an incomplete chain whose CA is in no store.', host);
    case 'expired':
      return vscode.l10n.t('A certificate in the chain of {0} has expired. Trusting a CA does not fix this; the server or proxy must renew it.', host);
    case 'hostname-mismatch':
      return vscode.l10n.t('The certificate presented for {0} is for another name. Trusting a CA does not fix this; check the host name and the proxy.', host);
  }
}

/** What a non-fixable failure means, for the notification that explains instead of fixing. */
export function kindText(kind: FindingKind): string {
  switch (kind) {
    case 'untrusted-ca':
      return vscode.l10n.t('the certificate chain ends at a CA the runtime does not trust (typically a TLS-inspecting proxy re-signing certificates)');
    case 'self-signed-leaf':
      return vscode.l10n.t('the server presents a self-signed certificate that no CA vouches for');
    case 'expired':
      return vscode.l10n.t('a certificate has expired or is not yet valid (check the clock too)');
    case 'hostname-mismatch':
      return vscode.l10n.t('the certificate is for another host name');
    case 'revoked':
      return vscode.l10n.t('the certificate has been revoked');
    case 'strict-ca':
      return vscode.l10n.t('the CA is rejected by strict X.509 rules (Python 3.13+): IT must reissue it, or run the server on Python 3.12');
    case 'other-tls':
      return vscode.l10n.t('the TLS handshake failed for a reason other than the certificate (protocol version, proxy or network)');
  }
}
