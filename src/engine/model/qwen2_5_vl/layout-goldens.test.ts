// get_rope_index and the vision window layout against what transformers 4.51.1 recorded for every golden case
// and for the 7B vision slice (position ids, rope delta, temporal offsets, window order and segments).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseMeta, SliceVisionMeta } from '../../../test-utils/golden-meta';
import { goldenNames, loadGolden, REPO_ROOT } from '../../../test-utils/goldens';
import { parseModelSpec } from '../../spec';
import { getRopeIndex } from './rope-index';
import { visionLayout } from './vision-layout';

const spec = parseModelSpec({
  config: readFileSync(join(REPO_ROOT, 'public/models/video-r2-tiny/config.json'), 'utf8'),
});

describe.each(goldenNames('case'))('%s golden', (name) => {
  const golden = loadGolden(name);
  const meta = golden.meta<CaseMeta>();
  const [t, h, w] = meta.video_grid_thw;

  it('getRopeIndex gives its position ids, rope delta and temporal offsets', () => {
    const ids = golden.i32('inputs.safetensors', 'input_ids').data;
    const want = golden.i32('inputs.safetensors', 'position_ids');
    expect(want.shape).toEqual([3, ids.length]);
    const got = getRopeIndex({
      ids,
      videoTokenId: spec.tokens.videoPad,
      grid: { t, h, w },
      // The model reads the processor's float32 tensor.
      secondPerGridT: golden.f32('inputs.safetensors', 'second_per_grid_ts').data[0]!,
      tokensPerSecond: spec.vision.tokensPerSecond,
      spatialMergeSize: spec.vision.spatialMergeSize,
    });
    expect(Array.from(got.positions)).toEqual(Array.from(want.data));
    expect(got.ropeDelta).toBe(meta.rope_delta);
    const [v0] = meta.generation.video_span;
    const perSlice = (h * w) / spec.vision.mergeUnit;
    expect(meta.t_positions.map((_, k) => got.positions[v0 + k * perSlice]! - v0)).toEqual(meta.t_positions);
  });

  it('visionLayout gives its window index and attention segments', () => {
    const L = visionLayout({ t, h, w }, spec.vision.spatialMergeSize, spec.vision.windowMergedTokens);
    expect(Array.from(L.windowIndex)).toEqual(meta.vision.window_index);
    expect(Array.from(L.windowIndex)).toEqual(Array.from(golden.i32('vision.safetensors', 'window_index').data));
    expect(Array.from(L.cuWindowSeqlens)).toEqual(meta.vision.cu_window_seqlens);
    expect(Array.from(L.cuSeqlens)).toEqual(meta.vision.cu_seqlens);
  });
});

it('visionLayout gives the 7B vision slice its window index and segments (grid 2×24×22, window 4)', () => {
  const meta = loadGolden('slice-7b-vision').meta<SliceVisionMeta>();
  const [t, h, w] = meta.grid_thw;
  const L = visionLayout({ t, h, w }, 2, 4);
  expect(Array.from(L.windowIndex)).toEqual(meta.window_index);
  expect(Array.from(L.cuWindowSeqlens)).toEqual(meta.cu_window_seqlens);
  expect(Array.from(L.cuSeqlens)).toEqual(meta.cu_seqlens);
});
