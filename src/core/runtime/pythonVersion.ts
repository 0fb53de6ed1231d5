// Which Python a server entry will run, as far as its command says: `python3.13`, `py -3.12`,
// `uvx --python 3.13`, `uv run --python 3.12`, `pipx run --python python3.13`, `UV_PYTHON=3.13`.
// It matters for one thing: Python 3.13+ verifies in strict X.509 mode (no variable turns it off),
// 3.12 and older do not. Nothing is run: a plain `python3` or `uvx` is "unknown".

/** Python 3.13 is the first with VERIFY_X509_STRICT in its default context. */
const FIRST_STRICT = 313;

import { commandBaseName } from './detect';

/** Launchers whose own options name the interpreter (before `--`), and those options; uv's: uvPythonOption. */
const PYTHON_OPTIONS: Record<string, string[]> = {
  pipx: ['--python'],
};

/** Launchers that read the interpreter request from the environment. */
const PYTHON_ENV: Record<string, string> = { uvx: 'UV_PYTHON', uv: 'UV_PYTHON' };

/** uv options that take a value (so the first positional after them is the tool or script). */
const UV_VALUE_OPTIONS = new Set([
  '--python', '-p', '--from', '--with', '--with-editable', '--with-requirements', '--index', '--index-url', '--extra-index-url',
  '--default-index', '--find-links', '-f', '--directory', '--project', '--env-file', '--extra', '--group', '--package',
  '--cache-dir', '--config-file', '--color', '--exclude-newer', '--resolution', '--prerelease', '--config-setting', '-C',
  '--refresh-package', '--reinstall-package', '--upgrade-package', '--link-mode', '--keyring-provider', '--python-platform',
  '--only-group', '--no-group', '--index-strategy', '-w',
]);

/**
 * The interpreter a uv command line asks for (`uvx --python 3.12`, `-p3.13`, `--python=...`,
 * `uv run -p ...`), as written: uv's own options only, up to the tool or script (what follows is the
 * server's). The one reader for the version hint here and for the runtime check (resolve.ts).
 */
export function uvPythonOption(base: string, rest: string[]): { source: string; value: string } | null {
  let start = 0;
  if (base === 'uv') {
    const run = rest.indexOf('run');
    if (run === -1) return null;
    start = run + 1;
  }
  for (let i = start; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    if (arg === '--' || !arg.startsWith('-')) break;
    const joined = /^--python=(.+)$/.exec(arg) ?? /^-p(.+)$/.exec(arg);
    if (joined?.[1]) return { source: arg, value: joined[1] };
    if (arg === '--python' || arg === '-p') {
      const value = rest[i + 1];
      return value === undefined ? null : { source: `${arg} ${value}`, value };
    }
    if (UV_VALUE_OPTIONS.has(arg)) i += 1;
  }
  return null;
}

export interface PythonVersionHint {
  /** What says so, as written: `python3.13`, `--python 3.12`, `py -3.13`, `UV_PYTHON=3.13`. */
  source: string;
  /** true: always 3.13 or newer (strict X.509); false: always 3.12 or older; null: could be either. */
  strict: boolean | null;
}

interface Range {
  min: number | null;
  max: number | null;
}

const version = (major: string, minor: string | undefined): number => Number(major) * 100 + Number(minor ?? 0);

const baseName = commandBaseName;

/** A uv-style interpreter request (`3.13`, `cpython@3.12`, `cp312`, `>=3.13,<3.14`, `python3.12`, a path) as a range. */
export function parsePythonRequest(value: string): Range | null {
  const trimmed = value.trim();
  const executable = /^(?:python|pythonw|pypy)(\d)(?:\.(\d+))?t?$/.exec(baseName(trimmed));
  if (executable) {
    const [, major = '', minor] = executable;
    if (minor === undefined && major === '3') return null;
    const v = version(major, minor);
    return { min: v, max: v };
  }
  const rest = trimmed.toLowerCase().replace(/^(?:cpython|pypy|graalpy|python|cp|pp|gp)[@-]?/, '');
  if (/[<>=!~,]/.test(rest)) return parseSpecifiers(rest);
  const dotted = /^(\d)\.(\d+)(?:[.\-+a-z].*)?$/.exec(rest);
  const packed = /^(\d)(\d{2})t?$/.exec(rest);
  const match = dotted ?? packed;
  if (!match) return null;
  const v = version(match[1] ?? '', match[2]);
  return { min: v, max: v };
}

function parseSpecifiers(text: string): Range | null {
  const range: Range = { min: null, max: null };
  for (const clause of text.split(',')) {
    const match = /^\s*(==|>=|<=|~=|!=|>|<)\s*(\d)(?:\.(\d+))?(?:\.[\d*]+)?\s*$/.exec(clause);
    if (!match) return null;
    const [, op, major = '', minor] = match;
    if (minor === undefined) continue;
    const v = version(major, minor);
    if (op === '==' || op === '>=' || op === '>' || op === '~=') range.min = Math.max(range.min ?? v, v);
    if (op === '==' || op === '<=') range.max = Math.min(range.max ?? v, v);
    if (op === '<') range.max = Math.min(range.max ?? v - 1, v - 1);
  }
  return range;
}

function hint(source: string, request: string): PythonVersionHint | null {
  const range = parsePythonRequest(request);
  if (!range) return null;
  const strict = range.min !== null && range.min >= FIRST_STRICT ? true : range.max !== null && range.max < FIRST_STRICT ? false : null;
  return { source, strict };
}

function optionValue(args: string[], names: string[]): { source: string; value: string }[] {
  const found: { source: string; value: string }[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--') break;
    for (const name of names) {
      if (arg === name && args[i + 1] !== undefined) found.push({ source: `${name} ${args[i + 1] ?? ''}`, value: args[i + 1] ?? '' });
      else if (name.startsWith('--') && arg.startsWith(`${name}=`)) found.push({ source: arg, value: arg.slice(name.length + 1) });
    }
  }
  return found;
}

/**
 * The Python version a server will run, when its command says so; null when nothing does.
 * `base`/`rest` are the launcher and its arguments (`launcherOf` in detect.ts).
 */
export function pythonVersionOf(base: string, rest: string[], env: Record<string, unknown> = {}): PythonVersionHint | null {
  if (/^(?:python|pythonw|pypy)\d/.test(base)) return hint(base, base);
  if (base === 'py') {
    // The Windows launcher: `py -3.13`, `py -3.12-64`, `py -V:3.13`, `py -V:PythonCore/3.13`.
    const first = rest[0] ?? '';
    const match = /^-(?:V:(?:[^/]+\/)?)?(\d(?:\.\d+)?)(?:-(?:32|64|arm64))?$/.exec(first);
    return match ? hint(`py ${first}`, match[1] ?? '') : null;
  }
  const options = base === 'uv' || base === 'uvx' ? [uvPythonOption(base, rest)].filter((o) => o !== null) : optionValue(rest, PYTHON_OPTIONS[base] ?? []);
  for (const { source, value } of options) {
    const found = hint(source, value);
    if (found) return found;
  }
  // `uv run python3.13 server.py`, `poetry run python3.12 -m x`: the interpreter named in the args.
  const named = rest.find((arg) => /^(?:python|pythonw|pypy)\d\.\d+t?$/.test(baseName(arg)));
  if (named) return hint(baseName(named), baseName(named));
  const variable = PYTHON_ENV[base];
  const value = variable ? env[variable] : undefined;
  if (typeof value === 'string' && value.trim() !== '') return hint(`${variable}=${value}`, value);
  return null;
}

/** How to pin a server to Python 3.12 with its own launcher. */
export function pinExample(base: string | null): string {
  switch (base) {
    case 'uv':
      return '`uv run --python 3.12 ...`';
    case 'pipx':
      return '`pipx run --python python3.12 ...`';
    case 'py':
      return '`py -3.12 ...`';
    default:
      if (base && /^(?:python|pythonw)\d/.test(base)) return '`python3.12 ...`';
      if (base === 'python' || base === 'python3' || base === 'pythonw') return '`python3.12 ...` (or `uvx --python 3.12 ...`)';
      return '`uvx --python 3.12 ...`';
  }
}
