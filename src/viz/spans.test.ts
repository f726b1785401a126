import { describe, expect, it } from 'vitest';
import { SECTION_CODE } from './attention';
import { splitSections } from './sections';
import { sectionTokenRange, sentenceAround, tokenRangeForChars, tokenSections } from './spans';

// Tokens as a model would stream them; the tags come as several pieces.
const pieces = [
  '<',
  'think',
  '>',
  'The ball',
  ' moves at',
  ' 00:05.',
  ' So (B).',
  '</',
  'think',
  '>\n',
  '<answer>',
  'B',
  '</answer>',
];
const text = pieces.join('');
const starts = pieces.reduce<number[]>(
  (acc, _p, i) => (acc.push(i ? acc[i - 1]! + pieces[i - 1]!.length : 0), acc),
  [],
);

describe('tokenSections', () => {
  it('labels content tokens by section and tag pieces as text', () => {
    const labels = tokenSections(starts, pieces.length, splitSections(text));
    const { text: X, think: T, answer: A } = SECTION_CODE;
    expect(Array.from(labels)).toEqual([X, X, X, T, T, T, T, X, X, X, X, A, X]);
  });
  it('labels a still-open section while it streams', () => {
    const partial = pieces.slice(0, 5);
    const labels = tokenSections(starts, 5, splitSections(partial.join('')));
    expect(Array.from(labels.subarray(3))).toEqual([SECTION_CODE.think, SECTION_CODE.think]);
  });
});

describe('tokenRangeForChars', () => {
  it('returns every token overlapping the range, half-open', () => {
    const s = text.indexOf('moves');
    expect(tokenRangeForChars(starts, pieces.length, text.length, s, s + 5)).toEqual([4, 5]);
    expect(tokenRangeForChars(starts, pieces.length, text.length, s - 1, s + 9)).toEqual([4, 6]); // ' ' starts token 4; '00' is token 5
    expect(tokenRangeForChars(starts, pieces.length, text.length, 0, text.length)).toEqual([0, pieces.length]);
  });
  it('tokens with empty text (special tokens) never cover a character', () => {
    const st = [0, 3, 3, 5]; // token 1 is empty
    expect(tokenRangeForChars(st, 4, 8, 3, 5)).toEqual([2, 3]);
    expect(tokenRangeForChars(st, 4, 8, 2, 4)).toEqual([0, 3]);
    expect(tokenRangeForChars(st, 4, 8, 7, 8)).toEqual([3, 4]);
    expect(tokenRangeForChars(st, 0, 0, 0, 5)).toEqual([0, 0]);
  });
  it('an empty char range is an empty token range', () => {
    expect(tokenRangeForChars(starts, pieces.length, text.length, 10, 10)).toEqual([3, 3]);
  });
  it('all of <think> and all of <answer>', () => {
    const secs = splitSections(text);
    const think = secs.find((x) => x.kind === 'think');
    const answer = secs.find((x) => x.kind === 'answer');
    expect(sectionTokenRange(starts, pieces.length, text.length, think!)).toEqual([3, 7]);
    expect(sectionTokenRange(starts, pieces.length, text.length, answer!)).toEqual([11, 12]);
  });
});

describe('sentenceAround', () => {
  const s = '<think>First, a dog runs. At 00:07.5 it jumps over 1.5 m! Then it sits.\nNext line</think>';
  it('finds the sentence, not split by decimal points or clock fractions', () => {
    const at = s.indexOf('00:07.5');
    const r = sentenceAround(s, at, at + 7);
    expect(s.slice(r.start, r.end)).toBe('At 00:07.5 it jumps over 1.5 m!');
  });
  it('stops at line breaks and tags', () => {
    const at = s.indexOf('Next');
    expect(s.slice(sentenceAround(s, at).start, sentenceAround(s, at).end)).toBe('Next line');
    const first = sentenceAround(s, s.indexOf('dog'));
    expect(s.slice(first.start, first.end)).toBe('First, a dog runs.');
  });
});
