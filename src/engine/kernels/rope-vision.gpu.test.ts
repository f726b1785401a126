import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { seededRandom } from '../../test-utils/random';
import { randomF32, ropeVisionAngles, rotateRows, worstRatio } from '../../test-utils/cpu/attention';
import { runOps } from '../gpu/dispatch';
import { readTensorF32, uploadTensor } from '../gpu/tensor';
import { ropeInvFreq, ropeInvFreqTensor } from './rope-freq';
import { ropeVision } from './rope-vision';

/** (hp, wp) for every patch of a t×h×w grid (any order works; the test shuffles it). */
function gridCoords(t: number, h: number, w: number): Int32Array {
  const out = new Int32Array(t * h * w * 2);
  for (let n = 0; n < t * h * w; n++) {
    out[2 * n] = Math.floor((n % (h * w)) / w);
    out[2 * n + 1] = n % w;
  }
  return out;
}

describe('ropeVision', () => {
  for (const [heads, dim, t, h, w] of [
    [2, 16, 1, 4, 6],
    [16, 80, 2, 6, 10],
  ] as const) {
    it(`rotates q and k in place, leaves v alone (heads ${heads}, D ${dim}, grid ${t}×${h}×${w}, shuffled rows)`, async () => {
      const ctx = await testGpu();
      const n = t * h * w;
      const hidden = heads * dim;
      const qkv = randomF32(dim, n * 3 * hidden, 3);
      // Any row order must work (the model passes window order): shuffle the coordinates.
      const coords = gridCoords(t, h, w);
      const rand = seededRandom(5);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        for (const c of [0, 1]) [coords[2 * i + c], coords[2 * j + c]] = [coords[2 * j + c]!, coords[2 * i + c]!];
      }
      const tq = uploadTensor(ctx, 'qkv', 'f32', [n, 3 * hidden], qkv);
      const rope = ropeVision(
        ctx,
        'vrope',
        { heads, headDim: dim, maxRows: n },
        {
          qkv: tq,
          coords: uploadTensor(ctx, 'coords', 'i32', [n, 2], coords),
          invFreq: ropeInvFreqTensor(ctx, 'vinv', 10000, dim / 2),
        },
      );
      runOps(ctx, [rope]);
      const got = await readTensorF32(ctx, tq);
      expect(ctx.errors).toEqual([]);

      const inv = ropeInvFreq(10000, dim / 2);
      // q and k of a row are 2·heads consecutive heads of `dim`; v follows.
      const qk = new Float32Array(n * 2 * hidden);
      for (let r = 0; r < n; r++) qk.set(qkv.subarray(r * 3 * hidden, r * 3 * hidden + 2 * hidden), r * 2 * hidden);
      const want = rotateRows(qk, n, 2 * heads, dim, (r) => ropeVisionAngles(coords[2 * r]!, coords[2 * r + 1]!, inv));
      const gotQk = new Float32Array(n * 2 * hidden);
      for (let r = 0; r < n; r++) {
        gotQk.set(got.subarray(r * 3 * hidden, r * 3 * hidden + 2 * hidden), r * 2 * hidden);
        expect(got.subarray(r * 3 * hidden + 2 * hidden, (r + 1) * 3 * hidden)).toEqual(
          qkv.subarray(r * 3 * hidden + 2 * hidden, (r + 1) * 3 * hidden),
        );
      }
      // Angles ≤ ~10 rad: cos/sin within 1e-7, f32 products: atol 2e-6 on |x| ~ 3, rtol 1e-6.
      expect(worstRatio(gotQk, want, 2e-6, 1e-6).ratio).toBeLessThanOrEqual(1);
      // A wrong height/width split would still rotate: check it is not the identity either.
      expect(worstRatio(gotQk, qk, 1e-3, 0).ratio).toBeGreaterThan(1);
    });
  }
});
