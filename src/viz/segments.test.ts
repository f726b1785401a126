import { describe, expect, it } from 'vitest';
import {
  normaliseInto,
  normalise,
  RunMaxima,
  segmentSplit,
  sinkCorrectedSeries,
  sinkCorrectedVideoMass,
  sinkCorrectionScale,
} from './segments';

// 3 tokens × (sink, system, video, question, generated)
const segments = Float32Array.from([
  0.5,
  0.1,
  0.2,
  0.1,
  0.1, // token 0
  0.0,
  0.0,
  0.6,
  0.3,
  0.1, // token 1: nothing on sink/system → corrected = raw
  0.7,
  0.3,
  0.0,
  0.0,
  0.0, // token 2: everything on sink + system → undefined
]);

describe('segment split', () => {
  it('returns the stored masses and shares that sum to 1 even when the masses do not', () => {
    const s = segmentSplit(Float32Array.from([0.2, 0.2, 0.2, 0.2, 0.19]), 0);
    expect(s.mass.video).toBeCloseTo(0.2, 6);
    expect(s.total).toBeCloseTo(0.99, 6);
    expect(Object.values(s.share).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(s.share.generated).toBeCloseTo(0.19 / 0.99, 6);
  });
  it('keeps the storage order sink, system, video, question, generated', () => {
    const s = segmentSplit(segments, 0);
    expect(
      [s.mass.sink, s.mass.system, s.mass.video, s.mass.question, s.mass.generated].map((v) => +v.toFixed(6)),
    ).toEqual([0.5, 0.1, 0.2, 0.1, 0.1]);
  });
});

describe('sink correction: video / (1 − sink − system)', () => {
  it('divides by the mass left after sink and system (both, not only the sink)', () => {
    expect(sinkCorrectedVideoMass(segments, 0)).toBeCloseTo(0.2 / 0.4, 6);
    expect(sinkCorrectionScale(segments, 0)).toBeCloseTo(2.5, 5);
    expect(sinkCorrectedVideoMass(segments, 1)).toBeCloseTo(0.6, 6);
  });
  it('is undefined (NaN) when sink and system hold all the mass, instead of dividing by ~0', () => {
    expect(sinkCorrectedVideoMass(segments, 2)).toBeNaN();
    const series = sinkCorrectedSeries(segments, 3);
    expect(series[0]).toBeCloseTo(0.5, 6);
    expect(series[2]).toBeNaN();
  });
  it('rejects a token that is not stored', () => {
    expect(() => segmentSplit(segments, 3)).toThrow(/token 3 is outside the 3 tokens/);
  });
});

describe('RunMaxima and normalisation', () => {
  const pairs = 3;
  const pairMass = Float32Array.from([0.1, 0.4, 0.2, 0.3, 0.05, 0.0, 0.0, 0.0, 0.6]);
  const rows = Float32Array.from([1, 2, 0, 0, 9, 3]); // 3 tokens × videoLen 2
  it('tracks global, per-token and per-pair maxima incrementally', () => {
    const m = new RunMaxima(pairs, 2, 1);
    m.update(pairMass, rows, 2);
    expect(m.profileGlobal).toBeCloseTo(0.4, 6);
    expect(Array.from(m.profilePair).map((v) => +v.toFixed(6))).toEqual([0.3, 0.4, 0.2]);
    m.update(pairMass, rows, 3); // grows past capacity 1
    expect(m.tokens).toBe(3);
    expect(m.profileGlobal).toBeCloseTo(0.6, 6);
    expect(Array.from(m.profileToken.subarray(0, 3)).map((v) => +v.toFixed(6))).toEqual([0.4, 0.3, 0.6]);
    expect(m.mapGlobal).toBe(9);
    expect(Array.from(m.mapToken.subarray(0, 3))).toEqual([2, 0, 9]);
    expect(() => m.update(pairMass, rows, 2)).toThrow(/does not shrink/);
  });
  it('reads maxima of f16 rows, skipping NaN patterns', () => {
    const m = new RunMaxima(1, 3);
    m.update(Float32Array.from([0]), Uint16Array.from([0x3400, 0x7e00, 0x3800]), 1); // 0.25, NaN, 0.5
    expect(m.mapGlobal).toBe(0.5);
  });
  it('global, token and pair scales give different pictures of the same profile', () => {
    const m = new RunMaxima(pairs, 2);
    m.update(pairMass, rows, 3);
    const p = pairMass.subarray(3, 6); // token 1: 0.3, 0.05, 0
    expect(Array.from(normalise('profile', p, 'global', m, 1)).map((v) => +v.toFixed(4))).toEqual([0.5, 0.0833, 0]);
    expect(Array.from(normalise('profile', p, 'token', m, 1)).map((v) => +v.toFixed(4))).toEqual([1, 0.1667, 0]);
    expect(Array.from(normalise('profile', p, 'pair', m, 1)).map((v) => +v.toFixed(4))).toEqual([1, 0.125, 0]);
    expect(Array.from(normalise('map', [1, 2], 'global', m, 0)).map((v) => +v.toFixed(4))).toEqual([0.1111, 0.2222]);
    expect(Array.from(normalise('map', [1, 2], 'token', m, 0))).toEqual([0.5, 1]);
    expect(Array.from(normalise('map', [1, 4], 'pair', m, 0))).toEqual([0.25, 1]);
  });
  it('clamps to [0, 1] and maps an empty scale to 0, never NaN', () => {
    expect(Array.from(normaliseInto([-1, 0.5, 3], 1))).toEqual([0, 0.5, 1]);
    expect(Array.from(normaliseInto([0.2, 0.4], 0))).toEqual([0, 0]);
    expect(Array.from(normaliseInto([0.2], NaN))).toEqual([0]);
  });
});
