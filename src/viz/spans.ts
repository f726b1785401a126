// Token ↔ text bookkeeping for span aggregation: which section each token belongs to, which tokens cover a
// character range, and the sentence around an offset. Token t covers characters [starts[t], starts[t+1]) (the last
// token runs to the end of the text); starts are non-decreasing.
//
// Public functions:
//   tokenSections(starts, tokens, sections, out?): Uint8Array        SECTION_CODE of each token (by its first character)
//   tokenRangeForChars(starts, tokens, textLength, charStart, charEnd): [from, to)   tokens overlapping the chars
//   sectionTokenRange(starts, tokens, textLength, section): [from, to)   the tokens of one section (e.g. all of <think>)
//   sentenceAround(text, start, end = start): {start, end}             the sentence holding chars [start, end)
import { SECTION_CODE } from './attention';
import type { Section } from './sections';

export function tokenSections(
  starts: ArrayLike<number>,
  tokens: number,
  sections: readonly Section[],
  out = new Uint8Array(tokens),
): Uint8Array {
  let s = 0;
  for (let t = 0; t < tokens; t++) {
    const at = starts[t]!;
    while (s < sections.length && sections[s]!.end <= at) s++;
    const sec = sections[s];
    // A token starting on a tag (outside every content range) is labelled text.
    out[t] = sec && at >= sec.start && at < sec.end ? SECTION_CODE[sec.kind] : SECTION_CODE.text;
  }
  return out;
}

/** Tokens whose characters overlap [charStart, charEnd), as a half-open token range (empty: from === to). */
export function tokenRangeForChars(
  starts: ArrayLike<number>,
  tokens: number,
  textLength: number,
  charStart: number,
  charEnd: number,
): [number, number] {
  const endOf = (t: number) => (t + 1 < tokens ? starts[t + 1]! : textLength);
  // First token that ends after charStart, first token that starts at or after charEnd (binary searches).
  let lo = 0;
  let hi = tokens;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endOf(mid) <= charStart) lo = mid + 1;
    else hi = mid;
  }
  const from = lo;
  hi = tokens;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < charEnd) lo = mid + 1;
    else hi = mid;
  }
  return charEnd > charStart ? [from, Math.max(from, lo)] : [from, from];
}

export function sectionTokenRange(
  starts: ArrayLike<number>,
  tokens: number,
  textLength: number,
  section: Section,
): [number, number] {
  return tokenRangeForChars(starts, tokens, textLength, section.start, section.end);
}

// A sentence ends at . ! ? followed by whitespace, a tag or the end (not "00:07.5", not "1.2"), at a line break, or
// at a tag. Both ends are found by scanning outwards from the range, so the cost is the sentence, not the text.
const BOUNDARY = /[.!?](?=\s|$|<)|\n|<\/?(?:think|answer)>/g;
const TAGS = ['<think>', '</think>', '<answer>', '</answer>'];

function boundaryEndsAt(text: string, i: number): boolean {
  const c = text[i - 1];
  if (c === '\n') return true;
  if (c === '.' || c === '!' || c === '?') return i === text.length || /[\s<]/.test(text[i]!);
  return c === '>' && TAGS.some((t) => text.startsWith(t, i - t.length));
}

export function sentenceAround(text: string, start: number, end = start): { start: number; end: number } {
  let s = start;
  while (s > 0 && !boundaryEndsAt(text, s)) s--;
  BOUNDARY.lastIndex = end;
  const m = BOUNDARY.exec(text);
  let e = text.length;
  if (m) e = m[0].startsWith('<') || m[0] === '\n' ? m.index : m.index + m[0].length;
  while (s < e && /\s/.test(text[s]!)) s++;
  return { start: s, end: Math.max(s, e) };
}
