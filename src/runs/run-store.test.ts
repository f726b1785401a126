import { describe, expect, it } from 'vitest';
import { RunStore } from './run-store';
import { RunTokens } from './run-tokens';
import { startTimings, type RunMeta } from './run-record';
import { testRunVideo } from '../test-utils/run-video';

function meta(id: string, stage: RunMeta['stage'] = 'done', over: Partial<RunMeta> = {}): RunMeta {
  return {
    id,
    label: `Run ${id}`,
    origin: 'live',
    appVersion: '0.0.0',
    model: {
      id: 'm',
      revision: null,
      weightsHash: null,
      quantization: 'none',
      kvCache: 'f32',
      textLayers: 2,
      heads: 2,
    },
    prompt: { system: 's', question: 'q', suffix: '', text: null },
    decoding: { maxNewTokens: 8, doSample: false, temperature: 1, topK: 1, topP: 1, repetitionPenalty: 1, seed: 0 },
    tap: { layer: 1 },
    video: null,
    layout: null,
    stage,
    stopReason: null,
    error: null,
    timings: startTimings(0),
    ...over,
  };
}

const video = testRunVideo({ name: 'v.mp4', frameIndices: [0, 1, 2, 3] });

const token = (id: number, text: string, v = 0.5) => ({
  id,
  text,
  ms: 1,
  headMass: [v, v],
  pairMass: [v / 2, v / 2],
  videoRow: new Array(8).fill(v / 8),
  segmentMass: [0.1, 0.1, v, 0.2, 0.1],
});

describe('RunTokens', () => {
  it('grows past its initial capacity and keeps every token, text offset and f16 row', () => {
    const t = new RunTokens({ heads: 2, pairs: 2, videoTokens: 8, attention: true });
    for (let i = 0; i < 200; i++)
      t.append({ ...token(i, `w${i} `, i / 200), videoRow: Array.from({ length: 8 }, (_, k) => (i + k) / 1000) });
    expect(t.count).toBe(200);
    expect(t.ids[150]).toBe(150);
    expect(t.tokenText(150)).toBe('w150 ');
    expect(t.tokenAtChar(t.charStarts[150]! + 2)).toBe(150);
    expect(t.headMass.length).toBe(400);
    expect(t.headMass[2 * 150 + 1]).toBeCloseTo(150 / 200, 6);
    expect(t.segmentMass.length).toBe(1000);
    const row = t.videoRow(130);
    for (let k = 0; k < 8; k++)
      expect(Math.abs(row[k]! - (130 + k) / 1000), `row[${k}] of token 130`).toBeLessThan(1e-3 * ((130 + k) / 1000));
    const column = t.videoColumn(5);
    expect(column.length).toBe(200);
    for (const i of [0, 63, 64, 130, 199]) expect(column[i], `column 5 at token ${i}`).toBe(t.videoRow(i)[5]);
  });

  it('refuses a token whose attention does not match the run shape', () => {
    const t = new RunTokens({ heads: 2, pairs: 2, videoTokens: 8, attention: true });
    expect(() => t.append({ ...token(0, 'a'), pairMass: [1, 2, 3] })).toThrow(
      /pairMass has 3 values, the run expects 2/,
    );
    expect(() => t.append({ id: 0, text: 'a', ms: 1 })).toThrow(/headMass is missing/);
    expect(t.count).toBe(0);
  });
});

describe('RunStore', () => {
  it('creates token arrays once the layout is known and notifies only the changed run', () => {
    const s = new RunStore({ schedule: () => undefined });
    s.add(meta('a', 'generate'));
    s.add(meta('b'));
    s.flush();
    let a = 0;
    let b = 0;
    let all = 0;
    s.subscribeRun('a', () => a++);
    s.subscribeRun('b', () => b++);
    s.subscribe(() => all++);
    const list = s.list();
    s.update('a', { video, layout: { promptTokens: 20, videoStart: 4, videoEnd: 12 } });
    expect(s.list(), 'a meta change gives a new list snapshot').not.toBe(list);
    const listAfterMeta = s.list();
    const v0 = s.get('a')!.version;
    s.appendToken('a', token(5, 'hi'));
    s.appendToken('a', token(6, ' there'));
    expect(s.list(), 'tokens do not change the list snapshot').toBe(listAfterMeta);
    s.flush();
    expect([a, b, all]).toEqual([1, 0, 1]);
    expect(s.get('a')!.version).toBe(v0 + 2);
    expect(s.get('a')!.tokens!.text).toBe('hi there');
  });

  it('drops the oldest unprotected finished runs past the budget and says so', () => {
    const shape = { heads: 2, pairs: 2, videoTokens: 8, attention: true };
    const filled = () => {
      const t = new RunTokens(shape);
      for (let i = 0; i < 64; i++) t.append(token(i, 'x'));
      return t;
    };
    const one = filled().bytes;
    const s = new RunStore({ budgetBytes: one * 2.5, schedule: () => undefined });
    s.add(meta('old'), filled());
    s.add(meta('shown'), filled());
    s.protect(['shown']);
    s.add(meta('new'), filled());
    expect(s.list().map((r) => r.id)).toEqual(['shown', 'new']);
    expect(s.notices).toHaveLength(1);
    expect(s.notices[0]).toMatchObject({ runId: 'old', label: 'Run old', bytes: one });
  });
});
