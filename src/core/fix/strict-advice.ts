// What to tell a user whose chain Python 3.13+ rejects in strict X.509 mode, worded by which
// certificate has the problem: a CA (root or intermediate) is IT's to reissue; a leaf is minted by
// the TLS-inspecting proxy on the fly, so only the proxy (its vendor, a newer version) can change it.
import type { PythonVersionHint } from '../runtime/pythonVersion';
import type { StrictCertRole, StrictProblem } from './strict';

const ROLE_LABEL: Record<StrictCertRole, string> = {
  root: 'the CA',
  intermediate: 'an intermediate CA',
  leaf: 'the proxy-issued leaf',
};

/** `the proxy-issued leaf (CN=localhost, issued by CN=mitmproxy): Missing Authority Key Identifier; the CA (...): ...` */
export function strictWhat(problems: StrictProblem[]): string {
  const byCert = new Map<string, { first: StrictProblem; texts: string[] }>();
  for (const problem of problems) {
    const entry = byCert.get(problem.sha256) ?? { first: problem, texts: [] };
    if (!entry.texts.includes(problem.problem)) entry.texts.push(problem.problem);
    byCert.set(problem.sha256, entry);
  }
  return [...byCert.values()]
    .map(({ first, texts }) => {
      const issuedBy = first.certificate === 'leaf' && first.issuer ? `, issued by ${first.issuer}` : '';
      return `${ROLE_LABEL[first.certificate]} (${first.subject}${issuedBy}): ${texts.join(', ')}`;
    })
    .join('; ');
}

/** What makes Python 3.13+ accept the chain: the CA reissued by IT, and/or conformant leaves from the proxy. */
export function strictRemedy(problems: StrictProblem[]): string {
  const remedies: string[] = [];
  if (problems.some((p) => p.certificate !== 'leaf')) {
    remedies.push('IT reissues the CA to RFC 5280 (critical Basic Constraints, Key Usage, key identifiers)');
  }
  const leaf = problems.find((p) => p.certificate === 'leaf');
  if (leaf) {
    const proxy = leaf.issuer ? `the TLS-inspecting proxy (its CA: ${leaf.issuer})` : 'the TLS-inspecting proxy';
    remedies.push(
      `${proxy} must issue standards-conformant leaf certificates; it mints them itself, so that takes a newer version or a fix from its vendor (ask IT)`,
    );
  }
  return remedies.join('; and ');
}

/** A Python server whose version is known to be 3.13+: why it is skipped, and what works. */
export function strictSkipReason(problems: StrictProblem[], version: PythonVersionHint, pin: string): string {
  return (
    `${version.source} is Python 3.13+: its strict X.509 check rejects ${strictWhat(problems)}. ` +
    'It fails even when trusted, and no variable turns the check off, so a bundle would not help. ' +
    `What works: ${strictRemedy(problems)}; meanwhile run the server on Python 3.12 (e.g. ${pin}).`
  );
}

/** A Python server fixed although Python 3.13+ would still reject the chain (version unknown or ≤ 3.12). */
export function strictFixedWarning(problems: StrictProblem[], version: PythonVersionHint | null, pin: string): string {
  if (version?.strict === false) {
    return (
      `${version.source} is Python 3.12 or older: the fix works. Python 3.13+ would not: its strict X.509 check rejects ${strictWhat(problems)}, ` +
      `and no variable turns it off. Keep this server on Python 3.12; for 3.13+, ${strictRemedy(problems)}.`
    );
  }
  return (
    'fixed for Python 3.12 and older. If this server runs Python 3.13+, its strict X.509 check still rejects ' +
    `${strictWhat(problems)}, and no variable turns it off. What works: ${strictRemedy(problems)}; ` +
    `meanwhile pin the server to Python 3.12 (e.g. ${pin}).`
  );
}

/** A server whose runtime may be Python (docker, unknown). */
export function strictMaybePythonWarning(problems: StrictProblem[]): string {
  return (
    `if this server runs Python 3.13+, its strict X.509 check still rejects ${strictWhat(problems)}, and no variable turns it off. ` +
    `What works: ${strictRemedy(problems)}; meanwhile run it on Python 3.12.`
  );
}
