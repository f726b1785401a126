import { describe, expect, it } from 'vitest';
import config7b from '../../spec/fixtures/qwen2_5_vl_7b/config.json';
import { parseModelSpec } from '../../spec/parse-config';
import { memoryPlan, prefillChunkRows, videoShape, visionChunkSlices, type PlanInput } from './memory-plan';

const spec = parseModelSpec({ config: config7b as Record<string, unknown> });
const big = { maxBufferSize: 4 * 2 ** 30, maxStorageBufferBindingSize: 2 * 2 ** 30 };
/** The 7B with 4-bit weights; an f16 KV cache, 2,048 new tokens and large buffers unless `over` says otherwise. */
const plan = (video: PlanInput['video'], over: Partial<PlanInput> = {}) =>
  memoryPlan({ spec, quantize: true, kvCache: 'f16', video, maxNewTokens: 2048, limits: big, ...over });

describe('memoryPlan (7B)', () => {
  it('counts the demo setting: 32 frames at 588×336 → grid (16, 24, 42), 4,032 video tokens', () => {
    expect(videoShape(spec, { frames: 32, height: 336, width: 588 })).toMatchObject({
      t: 16,
      h: 24,
      w: 42,
      rows: 16128,
      tokens: 4032,
    });
    const p = plan({ frames: 32, height: 336, width: 588 });
    expect(p.videoTokens).toBe(4032);
    expect(p.contextTokens).toBe(4032 + 320 + 2048);
    // KV: 28 layers × 2 × 512 × 2 B = 57,344 B per token (docs/model.md §6.2).
    const kv = p.lines.find((l) => l.label.startsWith('KV cache'))!;
    expect(kv.bytes).toBe(57_344 * p.contextTokens);
    expect(p.lines[0]!.bytes + p.lines[1]!.bytes).toBe(5_637_363_712); // docs/model.md §6.2: ≈5.64 GB of weights
    expect(p.fits, p.advice ?? '').toBe(true);
    expect(p.totalBytes).toBeGreaterThan(6e9);
    expect(p.totalBytes).toBeLessThan(8e9);
  });

  it('counts the eval setting: 128 frames at 504×280 → 11,520 tokens, and a bigger KV cache', () => {
    const p = plan({ frames: 128, height: 280, width: 504 }, { maxNewTokens: 1024 });
    expect(p.videoTokens).toBe(11520);
    expect(p.lines.find((l) => l.label.startsWith('KV cache'))!.bytes).toBe(57_344 * (11520 + 320 + 1024));
  });

  it('says what does not fit when one buffer passes the device limit', () => {
    const small = { maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20 };
    const p = plan({ frames: 768, height: 616, width: 1092 }, { kvCache: 'f32', limits: small });
    expect(p.fits, 'pixel values of 768 frames pass a 128 MiB binding').toBe(false);
    expect(p.advice).toMatch(/pixel values/);
    expect(p.advice).toMatch(/fewer frames or a lower max_pixels/);
  });

  it('runs the vision tower on whole temporal slices that fit one binding', () => {
    expect(visionChunkSlices(spec, 1008, 2 ** 31)).toBe(8);
    // 128 MiB: 2·3420·4 B per row → 4905 rows → 4 slices of 1008.
    expect(visionChunkSlices(spec, 1008, 128 * 2 ** 20)).toBe(4);
    expect(() => visionChunkSlices(spec, 8000, 128 * 2 ** 20)).toThrow(/Lower max_pixels/);
  });

  it('splits the prompt into equal prefill chunks that fit one binding', () => {
    expect(prefillChunkRows(spec, 300, 2 ** 31)).toBe(300);
    expect(prefillChunkRows(spec, 4352, 2 ** 31)).toBe(871); // 5 chunks
    // 128 MiB: 2·18944·4 B per row → ≤ 885 rows per chunk.
    expect(prefillChunkRows(spec, 4352, 128 * 2 ** 20)).toBeLessThanOrEqual(885);
  });
});
