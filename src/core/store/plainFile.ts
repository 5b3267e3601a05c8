import * as fs from 'fs';

/**
 * A file of the index folder opened to read, only when it is a plain file: a link fails to open
 * (O_NOFOLLOW) and a FIFO neither blocks (O_NONBLOCK) nor passes, whatever replaced the file after
 * a check. Index files are untrusted input: a committed index folder could plant either.
 */
export function openPlainSync(file: string): number {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw new Error('it is not a plain file');
  }
  return fd;
}

/** The whole of a plain file of at most `maxBytes`; throws a reason otherwise. */
export function readPlainSync(file: string, maxBytes: number): Buffer {
  const fd = openPlainSync(file);
  try {
    const size = fs.fstatSync(fd).size;
    if (size > maxBytes) throw new Error(`it is too large (${size} bytes)`);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
