import { describe, expect, it } from 'vitest';
import { readNumber, type NumberRule } from './read-number';

describe('readNumber', () => {
  const seed: NumberRule = { min: 0, max: 2 ** 31 - 1, integer: true, clamp: true };
  const start: NumberRule = { min: 0, optional: true };

  it.each([
    ['a whole number', '42', seed, 7, 42],
    ['rounded when integer', '2.6', seed, 7, 3],
    ['clamped below', '-5', seed, 7, 0],
    ['clamped above', '3000000000', seed, 7, 2 ** 31 - 1],
    ['empty keeps the value', '', seed, 7, 7],
    ['blank keeps the value', '  ', seed, 7, 7],
    ['not a number keeps the value', 'abc', seed, 7, 7],
    ['empty clears an optional value', '', start, 1.5, null],
    ['not clamped without clamp', '-2.25', start, 1.5, -2.25],
    ['fractions kept without integer', '0.35', { min: 0.1, max: 60 }, 2, 0.35],
  ])('%s', (_what, raw, rule, current, want) => {
    expect(readNumber(raw, rule, current)).toBe(want);
  });
});
