const SYSTEM_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a file is where a folder should be',
  EEXIST: 'a file is in the way',
};

/** An error for the terminal: a failed file operation as a sentence naming the path, not `EACCES: permission denied, mkdir '…'`. */
export function terminalErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { code, path: where } = err as NodeJS.ErrnoException;
  const reason = code && Object.hasOwn(SYSTEM_ERRORS, code) ? SYSTEM_ERRORS[code] : undefined;
  return reason && where ? `${reason}: ${where}` : err.message;
}
