import * as vscode from 'vscode';

/** Runs `work` with an abort signal that follows VS Code's cancellation token (and a time bound, when given). */
export async function withSignal<T>(token: vscode.CancellationToken, work: (signal: AbortSignal) => Promise<T>, timeoutMs?: number): Promise<T> {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  const signal = timeoutMs ? AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]) : controller.signal;
  try {
    return await work(signal);
  } finally {
    sub.dispose();
  }
}
