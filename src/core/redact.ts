/**
 * Text fit to show or log, with credentials taken out: the configured key wherever it appears (an
 * endpoint may echo the request back), `Authorization`/`api-key` header values, `Bearer …` tokens,
 * the user name and password of a URL, and key-like query parameters. Every message built from an
 * endpoint's answer or a configured URL goes through here.
 */
const MASK = '[redacted]';

const HEADER = /\b((?:proxy-)?authorization|x-api-key|api[-_]?key)(["']?\s*[:=]\s*["']?)((?:(?:bearer|basic|token)\s+)?[^\s"',;}&]+)/gi;
const SCHEME_TOKEN = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;
const QUERY_KEY = /([?&](?:api[-_]?key|key|token|access_token|sig|signature|password)=)[^&\s#"']+/gi;
const SK_KEY = /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{6,}/g;

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // A short value would mask ordinary words; keys are never that short.
    if (!secret || secret.length < 6) continue;
    out = out.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(MASK);
  }
  return out
    .replace(HEADER, `$1$2${MASK}`)
    .replace(SCHEME_TOKEN, `$1 ${MASK}`)
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(QUERY_KEY, `$1${MASK}`)
    .replace(SK_KEY, MASK);
}
