import type * as vscode from 'vscode';

/** The part of a chat stream that citations are written to. */
export type CitationTarget = Pick<vscode.ChatResponseStream, 'markdown' | 'anchor'>;

/**
 * Streams a model's Markdown to the chat and turns each citation `[n]` into an anchor on the
 * snippet's location. Text is held back only while a `[` might still become a citation, and text
 * once written is never written again, however the model's pieces split a citation.
 */
export function citationStream(stream: CitationTarget, locations: readonly vscode.Location[]) {
  let pending = '';
  const cited: number[] = [];
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
      i = open;
      const m = /^\[(\d{1,3})\]/.exec(pending.slice(open));
      if (m) {
        const n = Number(m[1]);
        const loc = locations[n - 1];
        if (loc) {
          if (out) stream.markdown(out);
          out = '';
          stream.anchor(loc, `[${m[1]}]`);
          if (!cited.includes(n)) cited.push(n);
        } else out += m[0];
        i = open + m[0].length;
        continue;
      }
      if (!final && /^\[\d{0,3}$/.test(pending.slice(open))) break; // may still become a citation
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
    /** Snippet numbers the answer cited, in the order it first cited them. */
    cited(): readonly number[] {
      return cited;
    },
  };
}
