/** Parsed command line: positional words and `--flag value` / `--switch` options. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

export class UsageError extends Error {}

/** Parses `argv`; `valued` names the options that take a value. */
export function parseArgs(argv: readonly string[], valued: ReadonlySet<string>, switches: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (valued.has(name)) {
      const value = eq === -1 ? argv[++i] : a.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value.`);
      options.set(name, value);
    } else if (switches.has(name) && eq === -1) {
      options.set(name, true);
    } else {
      throw new UsageError(`Unknown option --${name}.`);
    }
  }
  return { positional, options };
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
