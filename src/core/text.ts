// Text from outside (log lines, a cloned config's server names, certificate subjects) on its way to a
// terminal or a notification: control characters and bidi overrides made visible, markdown and link
// syntax neutralised, and the common name of a subject read the way RFC 4514 spells names.

/** C0 (but \n and \t), DEL, C1, and the bidi controls (embeddings, overrides, isolates, marks). */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  return `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/**
 * Text a terminal shows as text: ESC / OSC / CR sequences and bidi controls become visible escapes
 * (`\u001b`, `\u202e`); \n and \t stay. Pure: the same input gives the same output.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** `[text](target)`: the only markup VS Code's notifications render (parseLinkedText). */
const LINK = /\]\s*\(/g;
/** Link schemes a notification turns into something clickable. */
const SCHEME = /\b(command|https?|file|vscode(?:-insiders)?|mailto|javascript|data)(\s*):/gi;

/**
 * Text for a notification: a link's `](` and link schemes (`command:`, `https:`) broken with a
 * zero-width space, so nothing from a log, a config or a certificate becomes a link or a command;
 * control and bidi characters made visible as in terminalSafe. Notifications render links only
 * (no emphasis, no backslash escapes), so nothing else is touched and names read as they are.
 */
export function markdownSafe(text: string): string {
  return terminalSafe(text.replace(LINK, ']\u200b(').replace(SCHEME, (_, scheme: string, space: string) => `${scheme}${space}\u200b:`));
}

export interface NameAttribute {
  type: string;
  value: string;
}

/** Decodes an RFC 4514 value: `\,` and friends, `\XX` hex pairs (UTF-8 bytes), a quoted value. */
function unescapeValue(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  const bytes: number[] = [];
  for (let i = 0; i < trimmed.length; i += 1) {
    const char = trimmed[i] as string;
    if (char === '\\' && i + 1 < trimmed.length) {
      const hex = trimmed.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      i += 1;
      bytes.push(...Buffer.from(trimmed[i] as string, 'utf8'));
      continue;
    }
    bytes.push(...Buffer.from(char, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The attributes of a distinguished name as printed by Node / OpenSSL (`C=US, O=Corp, CN=Root`, or
 * one attribute a line): separators are unescaped `,`, `+` or newlines; `\,` is part of a value.
 */
export function parseName(text: string): NameAttribute[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (char === '\\' && i + 1 < text.length) {
      current += char + (text[i + 1] as string);
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (!quoted && (char === ',' || char === '+' || char === '\n' || char === ';')) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  const attributes: NameAttribute[] = [];
  for (const part of parts) {
    const equals = part.indexOf('=');
    if (equals <= 0) {
      // Not `type=value`: a stray piece of the previous value (lenient with unescaped input).
      const last = attributes[attributes.length - 1];
      if (last && part.trim()) last.value += `, ${unescapeValue(part)}`;
      continue;
    }
    attributes.push({ type: part.slice(0, equals).trim(), value: unescapeValue(part.slice(equals + 1)) });
  }
  return attributes;
}

/**
 * The common name of a subject: the LAST CN attribute (the most specific, in the DER order Node
 * prints), read from the parsed name so that `O=Evil\, CN=Corporate CA, CN=Attacker Root` gives
 * "Attacker Root". The whole subject when there is no CN.
 */
export function commonNameOf(subject: string): string {
  const names = parseName(subject).filter((attribute) => attribute.type.toUpperCase() === 'CN' || attribute.type === '2.5.4.3');
  const last = names[names.length - 1];
  return last ? last.value.trim() : subject.trim();
}

/** A SHA-256 as people compare it with IT's: colon-separated upper-case hex (as openssl and browsers show it). */
export function fingerprintText(sha256: string): string {
  return (sha256.toUpperCase().match(/[0-9A-F]{2}/g) ?? []).join(':');
}
