/**
 * Recognises text that holds a secret whatever the file is called: a private key block or a token
 * of a well-known shape. Shapes are strict (the right prefix, length and alphabet; a key block needs
 * its base64 body and its END line), so code and docs that only talk about keys are not flagged.
 * Compared with the rule sets of gitleaks and detect-secrets, which also flag a bare BEGIN line; that
 * would skip every document describing key formats.
 */

interface TokenRule {
  name: string;
  pattern: RegExp;
  /** Rejects look-alikes the pattern cannot: placeholders, identifiers in kebab-case. */
  accept?: (match: string) => boolean;
}

const mixed = (s: string) => /[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s);
const notExample = (s: string) => !/EXAMPLE/i.test(s) && new Set(s).size >= 10;

const TOKEN_RULES: TokenRule[] = [
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g, accept: notExample },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, accept: mixed },
  { name: 'GitHub token', pattern: /\bgithub_pat_[A-Za-z0-9_]{82}\b/g, accept: mixed },
  { name: 'GitLab token', pattern: /\bgl(?:pat|ptt|dt|rt|cbt|oas)-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g, accept: mixed },
  { name: 'Slack token', pattern: /\bxox[abeoprs]-[0-9]{8,14}-[A-Za-z0-9-]{8,}/g },
  { name: 'Slack token', pattern: /\bxapp-[0-9]-[A-Z0-9]{8,}-[0-9]{8,}-[a-f0-9]{32,}/g },
  { name: 'Slack webhook', pattern: /hooks\.slack\.com\/(?:services|workflows)\/T[A-Z0-9]{6,}\/[A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/g },
  { name: 'API key (sk-…)', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{32,}/g, accept: mixed },
  { name: 'Stripe key', pattern: /\b[sr]k_live_[A-Za-z0-9]{20,}\b/g, accept: mixed },
  { name: 'Google API key', pattern: /\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g, accept: mixed },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, accept: mixed },
  { name: 'PyPI token', pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { name: 'Vault token', pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}(?![A-Za-z0-9_-])/g, accept: mixed },
];

const BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----/g;
/** A PEM or PGP block encoded once more as base64 (kubeconfig's `client-key-data`) starts so. */
const BASE64_PEM = /LS0tLS1CRUdJTi[A-Za-z0-9+/]{80,}={0,2}/g;
const MIN_KEY_BODY = 64;

/** Why the text looks like a secret (never the secret itself), or undefined. */
export function secretInText(text: string): string | undefined {
  const key = privateKeyLine(text);
  if (key) return `looks like a secret (private key block, line ${key})`;
  for (const rule of TOKEN_RULES) {
    rule.pattern.lastIndex = 0;
    for (let m = rule.pattern.exec(text); m; m = rule.pattern.exec(text)) {
      if (!rule.accept || rule.accept(m[0])) return `looks like a secret (${rule.name}, line ${lineOf(text, m.index)})`;
    }
  }
  return undefined;
}

/** The line of the first real private key block: BEGIN line, base64 body, matching END line. */
function privateKeyLine(text: string): number | undefined {
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m; m = BEGIN.exec(text)) {
    const end = text.indexOf(`-----END ${m[1]}-----`, m.index + m[0].length);
    if (end !== -1 && isKeyBody(text.slice(m.index + m[0].length, end))) return lineOf(text, m.index);
  }
  if (!text.includes('LS0tLS1CRUdJTi')) return undefined;
  BASE64_PEM.lastIndex = 0;
  for (let m = BASE64_PEM.exec(text); m; m = BASE64_PEM.exec(text)) {
    const decoded = Buffer.from(m[0], 'base64').toString('latin1');
    if (decoded.includes('PRIVATE KEY') && privateKeyLine(decoded) !== undefined) return lineOf(text, m.index);
  }
  return undefined;
}

/**
 * A key's body: armor headers (`Proc-Type: …`, PGP's `Version: …`) and blank lines aside, only base64
 * lines (and PGP's `=CRC` line), enough of them to be a key. Lines may be split by real newlines or
 * by the `\n` escapes of a JSON string (service-account files), and indented (YAML blocks).
 */
function isKeyBody(body: string): boolean {
  let base64 = 0;
  for (const raw of body.split(/\r?\n|\\r\\n|\\n/)) {
    const line = raw.trim().replace(/^["']|["'],?$/g, '');
    if (line === '' || /^[A-Za-z][A-Za-z0-9-]*: ./.test(line)) continue;
    if (!/^=?[A-Za-z0-9+/]+={0,2}$/.test(line)) return false;
    base64 += line.length;
  }
  return base64 >= MIN_KEY_BODY;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
