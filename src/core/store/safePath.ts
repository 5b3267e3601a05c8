/**
 * A path read from an index file names a file of the workspace folder only if it is relative, uses
 * `/`, and has no empty, `.` or `..` segment and no NUL: anything else could lead outside the folder.
 */
export function isSafeRelPath(p: string): boolean {
  if (!p || p.length > 4096 || p.includes('\0') || p.includes('\\') || p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
