// Splits streamed model output into think / answer / other sections. Tolerates a stream cut mid-tag
// (an unclosed section runs to the end) and repeated blocks (TAC uses the last of each, docs/attention.md §6).

export type SectionKind = 'think' | 'answer' | 'text';

export interface Section {
  kind: SectionKind;
  /** Character range of the section's content (tags excluded). */
  start: number;
  end: number;
  /** True when the closing tag has been seen. */
  closed: boolean;
}

const TAGS: Record<Exclude<SectionKind, 'text'>, [string, string]> = {
  think: ['<think>', '</think>'],
  answer: ['<answer>', '</answer>'],
};

export function splitSections(text: string): Section[] {
  const out: Section[] = [];
  let i = 0;
  while (i < text.length) {
    let next: { kind: 'think' | 'answer'; at: number } | null = null;
    for (const kind of ['think', 'answer'] as const) {
      const at = text.indexOf(TAGS[kind][0], i);
      if (at >= 0 && (!next || at < next.at)) next = { kind, at };
    }
    if (!next) {
      out.push({ kind: 'text', start: i, end: text.length, closed: true });
      break;
    }
    if (next.at > i) out.push({ kind: 'text', start: i, end: next.at, closed: true });
    const [open, close] = TAGS[next.kind];
    const start = next.at + open.length;
    const endTag = text.indexOf(close, start);
    if (endTag < 0) {
      out.push({ kind: next.kind, start, end: text.length, closed: false });
      break;
    }
    out.push({ kind: next.kind, start, end: endTag, closed: true });
    i = endTag + close.length;
  }
  return out.filter((s) => s.end > s.start || s.kind !== 'text');
}

/** The section a character offset falls in (used to label each token think / answer / text). */
export function sectionAt(sections: readonly Section[], offset: number): SectionKind {
  for (const s of sections) if (offset >= s.start && offset < Math.max(s.end, s.start + 1)) return s.kind;
  return 'text';
}
