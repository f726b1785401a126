import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatMs } from './format';

describe('format', () => {
  it('bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5_640_000_000)).toBe('5.6 GB');
    expect(formatBytes(123_456_789)).toBe('123 MB');
  });
  it('clock', () => {
    expect(formatClock(75.5)).toBe('1:15');
    expect(formatClock(75.5, 1)).toBe('1:15.5');
    expect(formatClock(3725)).toBe('1:02:05');
    expect(formatClock(-1)).toBe('—');
  });
  it('ms', () => {
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(65_000)).toBe('65.0 s');
  });
});
