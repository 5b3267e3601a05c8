/**
 * Code-aware tokens for lexical retrieval.
 *
 * An identifier yields its whole lowercased form and its parts, so `parseHTTPResponse`,
 * `parse_http_response` and the prose "parse the HTTP response" all meet on `parse`, `http`, `response`.
 * Parts are lightly stemmed so that "tokens" finds `tokenize` and "sorting" finds `sort`.
 */

const WORD = /[\p{L}\p{N}_$]+/gu;
const MAX_TOKEN_LENGTH = 64;

const STOPWORDS = new Set(
  (
    'a an and are as at be but by for from has have how i if in into is it its of on or so that the their then there ' +
    'these this to was were what when where which who why will with does do did can could should would you your we our ' +
    'me my not no yes about via than also any all each get gets use used using'
  ).split(' '),
);

/** Splits an identifier at `_`, `$`, camelCase and letter/digit boundaries; `HTTPServer` gives `HTTP`, `Server`. */
export function splitIdentifier(word: string): string[] {
  return word
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .split(/[\s_$]+/u)
    .filter((p) => p.length > 0);
}

/** A light suffix stemmer: enough to join plural and verb forms without Porter's surprises on identifiers. */
export function stem(token: string): string {
  if (token.length <= 3 || /\d/.test(token)) return token;
  let t = token;
  if (t.endsWith('ies') && t.length > 4) t = t.slice(0, -3) + 'y';
  else if (t.endsWith('sses')) t = t.slice(0, -2);
  else if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us') && !t.endsWith('is')) t = t.slice(0, -1);
  if (t.length > 5 && t.endsWith('ing')) t = undouble(t.slice(0, -3));
  else if (t.length > 4 && t.endsWith('ed') && !t.endsWith('eed')) t = undouble(t.slice(0, -2));
  else if (t.length > 5 && t.endsWith('er')) t = t.slice(0, -2);
  else if (t.length > 4 && t.endsWith('e')) t = t.slice(0, -1);
  return t;
}

function undouble(t: string): string {
  return t.length > 3 && t[t.length - 1] === t[t.length - 2] && !/[lsz]/.test(t[t.length - 1]) ? t.slice(0, -1) : t;
}

/** Tokens of a text, in order, repeats kept (term frequency matters to BM25). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (word.length > MAX_TOKEN_LENGTH * 4) continue; // base64 blobs and hashes are noise
    let tokens = wordTokens.get(word);
    if (!tokens) {
      tokens = analyseWord(word);
      // Text repeats its words: remembering the analysis of recent words makes tokenizing several
      // times faster (it runs over every chunk when an index opens). The bound keeps memory flat.
      if (wordTokens.size >= WORD_CACHE_SIZE) wordTokens.clear();
      wordTokens.set(word, tokens);
    }
    for (const t of tokens) out.push(t);
  }
  return out;
}

const WORD_CACHE_SIZE = 50_000;
const wordTokens = new Map<string, readonly string[]>();

function analyseWord(word: string): string[] {
  const out: string[] = [];
  const parts = splitIdentifier(word);
  const whole = word.toLowerCase().replace(/^[_$]+|[_$]+$/g, '');
  if (parts.length > 1 && whole.length <= MAX_TOKEN_LENGTH) out.push(whole);
  for (const part of parts) {
    const lower = part.toLowerCase();
    if (lower.length < 2 && !/\d/.test(lower)) continue;
    if (STOPWORDS.has(lower) || lower.length > MAX_TOKEN_LENGTH) continue;
    out.push(stem(lower));
  }
  return out;
}

/** Query tokens: the same analysis, each distinct token once. */
export function queryTokens(text: string): string[] {
  return [...new Set(tokenize(text))];
}
