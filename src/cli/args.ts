/** Parsed command line: positional words and `--flag value` / `--switch` options. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

export class UsageError extends Error {}

/**
 * Parses `argv`; `valued` names the options that take a value, `short` maps one-letter options
 * (`k` → `top-k`) to their long names. Any other word starting with `-` is an unknown option, never
 * query text: text that starts with a dash goes after `--`.
 */
export function parseArgs(
  argv: readonly string[],
  valued: ReadonlySet<string>,
  switches: ReadonlySet<string>,
  short: ReadonlyMap<string, string> = new Map(),
): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const { name, inline, shown } = splitOption(a, short);
    if (valued.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${shown} needs a value.`);
      options.set(name, value);
    } else if (switches.has(name)) {
      if (inline !== undefined) throw new UsageError(`${shown} takes no value.`);
      options.set(name, true);
    } else {
      throw new UsageError(`Unknown option ${shown}${a.startsWith('--') ? '' : ' (text that starts with "-" goes after --)'}.`);
    }
  }
  return { positional, options };
}

/** `--name=value`, `--name`, `-k5`, `-k`: the long name, a value given in the same word, and the option as typed. */
function splitOption(a: string, short: ReadonlyMap<string, string>): { name: string; inline?: string; shown: string } {
  if (a.startsWith('--')) {
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    return { name, inline: eq === -1 ? undefined : a.slice(eq + 1), shown: `--${name}` };
  }
  const letter = a.slice(1, 2);
  const long = short.get(letter);
  if (long === undefined) return { name: '', shown: a.length > 40 ? `${a.slice(0, 40)}…` : a };
  return { name: long, inline: a.length > 2 ? a.slice(2).replace(/^=/, '') : undefined, shown: `-${letter}` };
}

export function intOption(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.options.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} takes a positive whole number, not "${v}".`);
  return n;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}
