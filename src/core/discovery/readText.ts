import * as fs from 'fs';
import { secretInText } from './secretContent';

/** A file's text (or why it has none) and its size and modification time as read. */
export type TextRead = ({ ok: true; text: string } | { ok: false; reason: string }) & { size?: number; mtimeMs?: number };

const SNIFF_BYTES = 8192;
// Windows has no O_NONBLOCK (and no FIFOs to block on).
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
const LONG_LINE = 5000;

/**
 * Reads a file as text, or says why it is not text worth indexing: NUL bytes (binary), mostly
 * undecodable bytes, or the very long lines of minified and generated files.
 * UTF-8 (with or without BOM) and UTF-16 with a BOM are decoded. Text that holds a private key or a
 * token is not worth indexing either: it is never indexed, whatever the file's name.
 * Only a regular file is ever read: a FIFO, socket or device is refused without blocking.
 */
export async function readTextFile(absPath: string, maxBytes: number): Promise<TextRead> {
  const read = await readFileBytes(absPath, maxBytes);
  if (!read.ok) return read;
  return { ...decodeText(read.bytes), size: read.size, mtimeMs: read.mtimeMs };
}

/** A file's bytes (or why they were not read) and its size and modification time as read. */
export type BytesRead = ({ ok: true; bytes: Buffer } | { ok: false; reason: string }) & { size?: number; mtimeMs?: number };

/** Reads a regular file of at most `maxBytes`, checking the size before and after reading. */
export async function readFileBytes(absPath: string, maxBytes: number): Promise<BytesRead> {
  let bytes: Buffer;
  let stat: fs.Stats;
  try {
    // Opening a FIFO for reading blocks until a writer comes (a libuv thread forever); non-blocking,
    // the open returns at once and fstat of the descriptor tells it is not a regular file.
    const handle = await fs.promises.open(absPath, READ_FLAGS);
    try {
      stat = await handle.stat();
      if (!stat.isFile()) return { ok: false, reason: 'not a regular file' };
      if (stat.size > maxBytes) return { ok: false, reason: `larger than ${maxBytes} bytes`, size: stat.size, mtimeMs: stat.mtimeMs };
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'deleted while being read' : `cannot read (${code ?? err})` };
  }
  const meta = { size: stat.size, mtimeMs: stat.mtimeMs };
  if (bytes.length > maxBytes) return { ok: false, reason: `grew past ${maxBytes} bytes while being read`, ...meta };
  return { ok: true, bytes, ...meta };
}

/** `longLinesOk` for formats whose lines are long by nature (notebook JSON, exported HTML) and parsed, not shown. */
export function decodeText(bytes: Buffer, longLinesOk = false): TextRead {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return { ok: false, reason: 'binary (contains NUL bytes)' };
    text = new TextDecoder('utf-8').decode(bytes); // strips a UTF-8 BOM; bad sequences become U+FFFD
    const bad = countChar(text, '\uFFFD');
    if (bad > 16 && bad > text.length / 20) return { ok: false, reason: 'not text (invalid UTF-8)' };
  }
  if (text.includes('\0')) return { ok: false, reason: 'binary (contains NUL characters)' };
  if (!longLinesOk && looksMinified(text)) return { ok: false, reason: 'minified or generated (very long lines)' };
  const secret = secretInText(text);
  if (secret) return { ok: false, reason: secret };
  return { ok: true, text };
}

function countChar(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

function looksMinified(text: string): boolean {
  if (text.length < LONG_LINE) return false;
  let longest = 0;
  let lines = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    longest = Math.max(longest, end - start);
    lines++;
    start = end + 1;
  }
  return longest > LONG_LINE && text.length / lines > 200;
}
