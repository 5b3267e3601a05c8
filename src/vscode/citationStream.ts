import * as vscode from 'vscode';

/**
 * Streams a model's Markdown to the chat and turns each citation `[n]` into an anchor on the
 * snippet's location. Text is held back only while a `[` might still become a citation.
 */
export function citationStream(stream: vscode.ChatResponseStream, locations: readonly vscode.Location[]) {
  let pending = '';
  const emit = (final: boolean) => {
    let out = '';
    let i = 0;
    while (i < pending.length) {
      const open = pending.indexOf('[', i);
      if (open === -1) {
        out += pending.slice(i);
        i = pending.length;
        break;
      }
      out += pending.slice(i, open);
      const m = /^\[(\d{1,3})\]/.exec(pending.slice(open));
      if (m) {
        const loc = locations[Number(m[1]) - 1];
        if (loc) {
          if (out) stream.markdown(out);
          out = '';
          stream.anchor(loc, `[${m[1]}]`);
        } else out += m[0];
        i = open + m[0].length;
        continue;
      }
      const rest = pending.slice(open);
      if (!final && /^\[\d{0,3}$/.test(rest)) break; // may still become a citation
      out += '[';
      i = open + 1;
    }
    if (out) stream.markdown(out);
    pending = pending.slice(i);
  };
  return {
    push(text: string) {
      pending += text;
      emit(false);
    },
    end() {
      emit(true);
    },
  };
}
