/**
 * The ranking's steps, each of which can be turned off to measure what it adds (bench/eval.mjs runs
 * the CLI with `GROUNDED_RANKING_STEPS=files,fields` and so on). Unset means every step: this is a
 * measuring switch, not a setting.
 */
export type RankingStep = 'files' | 'fields' | 'names' | 'roles' | 'cap';

const ALL: readonly RankingStep[] = ['files', 'fields', 'names', 'roles', 'cap'];

function fromEnvironment(value: string | undefined): ReadonlySet<RankingStep> {
  if (value === undefined) return new Set(ALL);
  return new Set(value.split(',').map((s) => s.trim()).filter((s): s is RankingStep => (ALL as readonly string[]).includes(s)));
}

const enabled = fromEnvironment(process.env.GROUNDED_RANKING_STEPS);

export const stepOn = (step: RankingStep): boolean => enabled.has(step);
