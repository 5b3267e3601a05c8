import { runMochaIn } from './runMocha';

/** Entry point the extension host loads (`extensionTestsPath`): runs every `*.test.js` beside it. */
export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
