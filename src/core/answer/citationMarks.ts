/** Where a streamed answer goes: its text, and each citation `[n]` of one of its snippets. */
export interface CitationSink {
  text(text: string): void;
  citation(n: number): void;
}

/**
 * Splits a model's streamed text into text and citations `[n]` of its `count` snippets (a number with
 * no snippet stays text). Text is held back only while a `[` might still become a citation, and text
 * once passed on is never passed on again, however the model's pieces split a citation.
 */
export function citationMarks(count: number, sink: CitationSink) {
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
        if (n >= 1 && n <= count) {
          if (out) sink.text(out);
          out = '';
          sink.citation(n);
          if (!cited.includes(n)) cited.push(n);
        } else out += m[0];
        i = open + m[0].length;
        continue;
      }
      if (!final && /^\[\d{0,3}$/.test(pending.slice(open))) break; // may still become a citation
      out += '[';
      i = open + 1;
    }
    if (out) sink.text(out);
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
