import * as fs from 'fs';

/** A JSON-with-comments file holding an object; empty when it is missing, not JSON or not an object (it is untrusted input). */
export function readJsoncObject(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(stripJsonComments(fs.readFileSync(file, 'utf8')));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** JSON with comments and trailing commas (as VS Code's settings files are) as plain JSON. */
function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i === -1) break;
      i++;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
