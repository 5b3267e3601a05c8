import { runMochaIn } from '../integration/runMocha';

/** Entry point for the suite that runs in a window whose workspace is not trusted. */
export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
