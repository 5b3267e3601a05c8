import { runMochaIn } from '../integration/runMocha';

/** Entry point for the README screenshot run (`scripts/screenshot.sh`): one question on a real repository. */
export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
