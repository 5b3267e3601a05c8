/**
 * Pause and cancel for an engine's full runs. A run waits at `gate()` before each file while paused;
 * `cancel()` aborts the run under way (and lets a paused one reach its gate to stop).
 */
export interface RunControl {
  /** The signal of the runs started (or queued) until the next `cancel`. */
  startRun(): AbortSignal;
  gate(): Promise<void>;
  pause(): void;
  resume(): void;
  cancel(): void;
  readonly paused: boolean;
}

export function createRunControl(): RunControl {
  let run: AbortController | undefined;
  let held: { promise: Promise<void>; release: () => void } | undefined;
  const resume = () => {
    held?.release();
    held = undefined;
  };
  return {
    startRun() {
      run ??= new AbortController();
      return run.signal;
    },
    gate: () => held?.promise ?? Promise.resolve(),
    pause() {
      if (held) return;
      let release!: () => void;
      const promise = new Promise<void>((r) => (release = r));
      held = { promise, release };
    },
    resume,
    cancel() {
      run?.abort();
      run = undefined;
      // A paused run must reach its gate to see the abort; the pause itself stays for later runs.
      const wasHeld = held;
      if (wasHeld) {
        wasHeld.release();
        held = undefined;
        this.pause();
      }
    },
    get paused() {
      return !!held;
    },
  };
}
