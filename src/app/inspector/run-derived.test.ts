import { describe, expect, it } from 'vitest';
import { RunStore } from '../../runs/run-store';
import { syntheticRun } from '../../test-utils/synthetic-run';
import { headVideoMassSeries, mergedGrid, spanSpatialMap } from '../../viz/attention';
import { sinkCorrectionScale } from '../../viz/segments';
import { splitSections } from '../../viz/sections';
import { tokenSections } from '../../viz/spans';
import { derive, rangeMap, rangeProfile } from './run-derived';

/** The synthetic run replayed into a store token by token, `derive` called after each token. */
function streamed(sink: boolean) {
  const src = syntheticRun();
  const t = src.tokens!;
  const store = new RunStore({ schedule: () => undefined });
  store.add({ ...src.meta, id: 'live', stage: 'generate' });
  store.update('live', {}); // creates the token arrays from the meta's shape
  const run = store.get('live')!;
  for (let i = 0; i < t.count; i++) {
    store.appendToken('live', {
      id: t.ids[i]!,
      text: t.tokenText(i),
      ms: 20,
      headMass: t.headMass.subarray(i * 4, i * 4 + 4),
      pairMass: t.pairMass.subarray(i * 4, i * 4 + 4),
      videoRow: t.videoRow(i),
      segmentMass: t.segmentMass.subarray(i * 5, i * 5 + 5),
    });
    derive(run, { kind: 'mean' }, sink);
  }
  return { src, run };
}

describe('derive', () => {
  for (const sink of [false, true])
    it(`computed token by token equals the plain definitions over the whole run (sink-corrected: ${sink})`, () => {
      const { src, run } = streamed(sink);
      const t = src.tokens!;
      const d = derive(run, { kind: 'mean' }, sink);
      const want = headVideoMassSeries(t.headMass, 4, t.count, { kind: 'mean' });
      if (sink) for (let i = 0; i < t.count; i++) want[i] = want[i]! * sinkCorrectionScale(t.segmentMass, i);
      expect(Array.from(d.values), 'per-token video mass').toEqual(Array.from(want));
      expect(d.valueMax, 'largest value').toBe(Math.max(...want));
      const labels = tokenSections(t.charStarts, t.count, splitSections(t.text));
      expect(Array.from(d.labels), 'section labels').toEqual(Array.from(labels));
      // A change of controls recomputes every token under the new key.
      const max = derive(run, { kind: 'max' }, sink);
      const wantMax = headVideoMassSeries(t.headMass, 4, t.count, { kind: 'max' });
      if (sink) for (let i = 0; i < t.count; i++) wantMax[i] = wantMax[i]! * sinkCorrectionScale(t.segmentMass, i);
      expect(Array.from(max.values), 'values after switching to max').toEqual(Array.from(wantMax));
    });

  it('span maps and profiles equal the plain span means, however the span was reached', () => {
    const { run } = streamed(false);
    const t = run.tokens!;
    const grid = mergedGrid(run.meta.video!.grid);
    const rows = (i: number) => t.videoRowBits(i);
    for (const [from, to] of [
      [1, 5],
      [1, 9],
      [3, 9],
      [0, t.count],
    ] as const) {
      for (let g = 0; g < grid.pairs; g++) {
        const got = rangeMap(run, grid, from, to, g, 1000 * from + to);
        expect(got?.complete, `span [${from}, ${to}) complete in one frame`).toBe(true);
        const want = spanSpatialMap(rows, grid, from, to, g);
        for (let k = 0; k < want.length; k++)
          expect(got!.map[k], `span [${from}, ${to}) pair ${g} cell ${k}`).toBeCloseTo(want[k]!, 7);
      }
      const profile = rangeProfile(run, from, to)!;
      for (let g = 0; g < grid.pairs; g++) {
        let s = 0;
        for (let i = from; i < to; i++) s += t.pairMass[i * grid.pairs + g]!;
        expect(profile[g], `profile of [${from}, ${to}) pair ${g}`).toBeCloseTo(s / (to - from), 7);
      }
    }
  });
});
