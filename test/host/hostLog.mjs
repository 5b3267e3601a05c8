// The run's log. VS Code forwards its whole workbench log (and the extension host's console) through
// codeAutomationLog, and the server and the browser print their own; a person reading a green run needs
// none of it. Every line goes to a file in the run's temp folder; the terminal gets the mocha report,
// the lines that name a real problem (below), and, when the run fails, the log's tail and its path.
import fs from 'node:fs';

// Must match MOCHA_MARK in test/integration/runMocha.ts: the reporter's lines carry it, nothing else does.
export const MOCHA_MARK = '[grounded:mocha] ';
const REPORT_TAG = '[mocha] ';
const TAIL_WIDTH = 400;

// Shown even in a green run: an extension host that died, a listener leak, and, when they name our
// extension (its id, or its files: the packaged extension lives under a grounded-it-* folder), an error
// or warning of the workbench log, an error of the extension host's log (where an extension's uncaught
// errors go: the workbench gets only "An unknown error occurred") and an uncaught error of the page.
// The browser console is never shown: it repeats the workbench log (a leak warning would show twice) and
// adds the error notifications, which the tests provoke on purpose.
const ALWAYS = [/extension host.*terminated unexpectedly/i, /MaxListenersExceededWarning/];
const OURS = /grounded/i;

/** Where one line goes: 'report' (the mocha report, to stdout), 'show' (to stderr too) or 'log' (the file only). */
export function classify(source, level, text) {
  if (text.startsWith(MOCHA_MARK)) return 'report';
  if (source === 'browser') return 'log';
  if (ALWAYS.some((re) => re.test(text))) return 'show';
  const problem =
    (source === 'workbench' && (level === 'error' || level === 'warn')) || (source === 'exthost' && level === 'error') || source === 'page';
  return problem && OURS.test(text) ? 'show' : 'log';
}

/** Opens the log at `file`; with `verbose`, every line is also echoed to stderr, as it comes. */
export function openHostLog(file, { verbose = false } = {}) {
  // Written synchronously: the runner ends with process.exit, which would drop a stream's buffer.
  const fd = fs.openSync(file, 'w');
  const partial = new Map();
  // Each line of a multi-line text (a stack) carries its tag in the file, so the report's lines can be
  // left out of the tail printed on failure: they are on the terminal already.
  const line = (source, level, text) => {
    const where = classify(source, level, text);
    const tag = where === 'report' ? REPORT_TAG : `[${source} ${level}] `;
    const body = where === 'report' ? text.slice(MOCHA_MARK.length) : text;
    fs.writeSync(fd, body.split('\n').map((l) => tag + l + '\n').join(''));
    if (where === 'report') process.stdout.write(`${body}\n`);
    else if (where === 'show' || verbose) process.stderr.write(`${tag}${body}\n`);
  };
  // Process output comes in chunks that split lines anywhere: a line is routed once it is complete.
  const chunk = (source, level, data) => {
    const key = `${source}\0${level}`;
    const lines = ((partial.get(key) ?? '') + data).split('\n');
    partial.set(key, lines.pop());
    for (const l of lines) line(source, level, l);
  };
  const tail = (n) => {
    for (const [key, rest] of partial) if (rest) line(...key.split('\0'), rest);
    partial.clear();
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    // A workbench line can run to kilobytes (one chat event's every field): the file keeps it whole.
    const cut = (l) => (l.length > TAIL_WIDTH ? `${l.slice(0, TAIL_WIDTH)}…` : l);
    return lines.filter((l) => !l.startsWith(REPORT_TAG)).slice(-n).map(cut).join('\n');
  };
  return { file, line, chunk, tail, close: () => fs.closeSync(fd) };
}

const ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[(\w+)\] /;

/** The entries of a VS Code log file (`<date> <time> [level] text`, a stack's lines following its entry). */
export function vscodeLogEntries(text) {
  const entries = [];
  for (const l of text.split('\n')) {
    const m = ENTRY.exec(l);
    if (m) entries.push({ level: m[1] === 'warning' ? 'warn' : m[1], text: l.slice(m[0].length) });
    else if (entries.length && l) entries[entries.length - 1].text += `\n${l}`;
  }
  return entries;
}
