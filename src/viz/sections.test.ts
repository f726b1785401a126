import { describe, expect, it } from 'vitest';
import { sectionAt, splitSections } from './sections';

const show = (t: string) => splitSections(t).map((s) => [s.kind, t.slice(s.start, s.end), s.closed]);

describe('splitSections', () => {
  it('splits a complete Video-R2 answer', () => {
    expect(show('<think>hmm, at 00:05</think>\n<answer>B</answer>')).toEqual([
      ['think', 'hmm, at 00:05', true],
      ['text', '\n', true],
      ['answer', 'B', true],
    ]);
  });
  it('keeps an unclosed section open while streaming', () => {
    expect(show('<think>let me thi')).toEqual([['think', 'let me thi', false]]);
    expect(show('pre <answer>')).toEqual([
      ['text', 'pre ', true],
      ['answer', '', false],
    ]);
  });
  it('treats text without tags as plain text and handles repeated blocks', () => {
    expect(show('plain')).toEqual([['text', 'plain', true]]);
    expect(show('<think>a</think><think>b</think>').map((s) => s[1])).toEqual(['a', 'b']);
  });
  it('labels offsets', () => {
    const t = '<think>ab</think><answer>C</answer>';
    const s = splitSections(t);
    expect(sectionAt(s, t.indexOf('a'))).toBe('think');
    expect(sectionAt(s, t.indexOf('C'))).toBe('answer');
    expect(sectionAt(s, 0)).toBe('text');
  });
});
