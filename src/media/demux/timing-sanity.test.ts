// Timing claims against the sample table: impossible timing refused with its numbers, implausible timing warned.

import { describe, expect, it } from 'vitest';
import type { MediaError } from '../errors';
import { buildSampleTable, summariseTiming } from './sample-table';
import { checkTiming } from './timing-sanity';

/** Frames at `pts` (seconds) lasting `frame` each as a sample time table says (the last one `lastDuration`). */
function table(pts: number[], lastDuration = 1 / 30, frame = 1 / 30) {
  const t = buildSampleTable(
    pts.map((p, i) => ({
      isKey: i === 0,
      pts: p,
      duration: i === pts.length - 1 ? lastDuration : frame,
      visible: true,
    })),
  );
  return { t, timing: summariseTiming(t, 1 / frame) };
}
const at30 = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => offset + i / 30);
const refusal = (f: () => unknown): MediaError => {
  try {
    f();
  } catch (e) {
    return e as MediaError;
  }
  throw new Error('expected a refusal');
};

describe('checkTiming', () => {
  it('accepts a plain 30 fps video without warnings', () => {
    const { t, timing } = table(at30(600));
    const warnings: string[] = [];
    expect(
      checkTiming(
        'a.mp4',
        t,
        timing,
        { timescale: 15360, durations: [{ name: 'movie header (mvhd)', seconds: 20 }] },
        warnings,
      ),
    ).toEqual(timing);
    expect(warnings).toEqual([]);
  });

  it('refuses one frame hours away from its neighbours (a damaged time), naming the frame and the numbers', () => {
    const pts = at30(90);
    pts[60] = 139_811;
    const { t, timing } = table(pts.sort((a, b) => a - b));
    const e = refusal(() => checkTiming('frag.mp4', t, timing, {}, []));
    expect(e.code).toBe('CORRUPT_FILE');
    expect(e.message).toMatch(
      /^"frag\.mp4" is damaged: frame 89 is stamped at 139,811 s, but frame 88 ends at 3\.000 s/,
    );
  });

  it('refuses a start centuries away (tfdt high word) but accepts an epoch-based live timeline', () => {
    const far = table(at30(90, (2 ** 32 * 2 ** 32) / 15360));
    expect(refusal(() => checkTiming('a.mp4', far.t, far.timing, {}, [])).message).toMatch(
      /first frame is stamped at [\d,]+ s \([\d,]+ years\)/,
    );
    const live = table(at30(90, 1.7e9));
    expect(() => checkTiming('a.mp4', live.t, live.timing, {}, [])).not.toThrow();
  });

  it('refuses a timescale of 0, zero durations and a frame rate no video has', () => {
    const { t, timing } = table(at30(10));
    expect(refusal(() => checkTiming('a.mp4', t, timing, { timescale: 0 }, [])).message).toMatch(
      /damaged: its video track has a timescale of 0/,
    );
    const still = buildSampleTable(at30(10).map(() => ({ isKey: true, pts: 0, duration: 0, visible: true })));
    expect(refusal(() => checkTiming('a.mp4', still, summariseTiming(still, 0), {}, [])).message).toMatch(
      /half or more of its 10 frames have a duration of 0/,
    );
    const fast = table(
      Array.from({ length: 600 }, (_, i) => i / 8388608),
      1 / 8388608,
      1 / 8388608,
    );
    expect(refusal(() => checkTiming('a.mp4', fast.t, fast.timing, { timescale: 4294967295 }, [])).message).toMatch(
      /timing \(timescale 4,294,967,295 ticks per second\) gives 8,388,608 frames per second/,
    );
  });

  it('a last frame lasting 7,200 s is counted as a normal frame, with a warning', () => {
    const { t, timing } = table(at30(600), 7200);
    expect(timing.durationSeconds).toBeCloseTo(7219.97, 2);
    const warnings: string[] = [];
    const fixed = checkTiming('a.mp4', t, timing, {}, warnings);
    expect(fixed.durationSeconds).toBeCloseTo(20, 9);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Frame 599 claims to last 7,200 s while the others last 0\.033 s; the duration counts it as 0\.033 s \(20\.0 s in all\)\.$/,
      ),
    ]);
  });

  it('headers claiming 7,200 s over 20 s of frames: a warning, and the duration follows the frames (as ffprobe)', () => {
    const { t, timing } = table(at30(600));
    const warnings: string[] = [];
    const result = checkTiming(
      'a.mp4',
      t,
      timing,
      { durations: [{ name: 'movie header (mvhd)', seconds: 7200 }] },
      warnings,
    );
    expect(result.durationSeconds).toBeCloseTo(20, 9);
    expect(warnings).toEqual([
      'The movie header (mvhd) says the video lasts 7,200 s, but its 600 frames span 20.0 s; times and duration follow the frames.',
    ]);
  });
});
