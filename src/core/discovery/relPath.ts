import * as path from 'path';

/** A path as the index keys it: relative, `/`-separated, no leading `./` or trailing `/`. */
export function normalizeRel(p: string): string {
  return p.split(path.sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
}
