import * as vscode from 'vscode';

/** What one response streamed, kept (the last one only) so integration tests can check the real Chat view's answer. */
export interface ChatTranscript {
  prompt: string;
  command?: string;
  markdown: string;
  references: vscode.Location[];
  anchors: { location: vscode.Location; title?: string }[];
  buttons: string[];
  /** The error the handler failed with, if it did. */
  error?: string;
}

/** Runs one chat response on a stream that notes what passes through it, and hands the transcript on when it ends. */
export async function recordTranscript<T>(request: vscode.ChatRequest, stream: vscode.ChatResponseStream, run: (s: vscode.ChatResponseStream) => Promise<T>, onTranscript: (t: ChatTranscript) => void): Promise<T> {
  const transcript: ChatTranscript = { prompt: request.prompt, command: request.command, markdown: '', references: [], anchors: [], buttons: [] };
  try {
    return await run(recordingStream(stream, transcript));
  } catch (err) {
    transcript.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
    throw err;
  } finally {
    onTranscript(transcript);
  }
}

/** The stream, with what passes through it noted in `t`. (VS Code freezes the stream, so it is wrapped, not proxied.) */
function recordingStream(stream: vscode.ChatResponseStream, t: ChatTranscript): vscode.ChatResponseStream {
  return {
    markdown(value) {
      t.markdown += typeof value === 'string' ? value : value.value;
      stream.markdown(value);
    },
    anchor(value, title) {
      if (value instanceof vscode.Location) t.anchors.push({ location: value, title });
      t.markdown += title ?? '';
      stream.anchor(value, title);
    },
    button(command) {
      t.buttons.push(command.command);
      stream.button(command);
    },
    filetree(value, baseUri) {
      stream.filetree(value, baseUri);
    },
    progress(value) {
      stream.progress(value);
    },
    reference(value, iconPath) {
      if (value instanceof vscode.Location) t.references.push(value);
      stream.reference(value, iconPath);
    },
    push(part) {
      stream.push(part);
    },
  };
}
