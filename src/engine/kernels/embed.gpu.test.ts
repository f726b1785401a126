import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { runOps } from '../gpu/dispatch';
import { createTensor, readTensorF32, uploadTensor } from '../gpu/tensor';
import { dequantRows, f32To16Bits, randomF32, randomQuantHost, widen16 } from '../../test-utils/cpu/linalg';
import { embedGather, injectRows, NO_ROW, videoRowOrdinals } from './embed';
import { uploadQuant, uploadW16 } from '../../test-utils/linear-gpu';

/** Expected gathered rows: the table row for each id, NaN for ids past the table. */
function expectRows(
  got: Float32Array,
  ids: readonly number[],
  k: number,
  rowOf: (id: number) => Float32Array,
  vocab: number,
): void {
  ids.forEach((id, i) => {
    const row = Array.from(got.subarray(i * k, (i + 1) * k));
    if (id >= vocab) expect(row, `row ${i} (id ${id} ≥ vocab ${vocab}) is not all NaN`).toEqual(row.map(() => NaN));
    else expect(row, `row ${i} (id ${id})`).toEqual(Array.from(rowOf(id)));
  });
}

describe('embedding gather', () => {
  const [vocab, k] = [300, 96];
  // First and last rows of each 128-row chunk, repeats, and one id past the table.
  const idList = [0, 127, 128, 255, 256, 299, 5, 5, 300, 77, 299, 0, 150];

  it('dequantizes q4 rows exactly across table chunks; a bad id gives a NaN row', async () => {
    const ctx = await testGpu();
    const host = randomQuantHost('q4', vocab, k, 21);
    const table = uploadQuant(ctx, 'q4', 'embed.q4', host, vocab, k, { maxChunkBytes: 128 * (k / 2) });
    expect(table.chunks.length).toBe(3);
    const ids = uploadTensor(ctx, 'ids', 'u32', [idList.length], Uint32Array.from(idList));
    const out = createTensor(ctx, 'out', 'f32', [idList.length, k]);
    runOps(ctx, [embedGather(ctx, 'embed', { ids, table, out, m: idList.length })]);
    expectRows(await readTensorF32(ctx, out), idList, k, (id) => dequantRows('q4', host, k, [id]), vocab);
    expect(ctx.errors).toEqual([]);
  });

  for (const dtype of ['bf16', 'f16'] as const) {
    it(`widens ${dtype} rows exactly across table chunks`, async () => {
      const ctx = await testGpu();
      const bits = Uint16Array.from(randomF32(vocab * k, 22), (v) => f32To16Bits(dtype, v));
      const values = widen16(dtype, bits);
      const table = uploadW16(ctx, `embed.${dtype}`, dtype, bits, vocab, k, { maxChunkBytes: 128 * k * 2 });
      const ids = uploadTensor(ctx, 'ids', 'u32', [idList.length], Uint32Array.from(idList));
      const out = createTensor(ctx, 'out', 'f32', [idList.length, k]);
      runOps(ctx, [embedGather(ctx, 'embed', { ids, table, out, m: idList.length })]);
      expectRows(await readTensorF32(ctx, out), idList, k, (id) => values.subarray(id * k, (id + 1) * k), vocab);
      expect(ctx.errors).toEqual([]);
    });
  }
});

describe('video-row injection', () => {
  const VIDEO = 151656;

  it('numbers the video positions in order, from a starting feature row', () => {
    const ids = [1, VIDEO, VIDEO, 7, VIDEO, 2];
    expect(videoRowOrdinals(ids, VIDEO)).toEqual({
      ordinals: Uint32Array.from([NO_ROW, 0, 1, NO_ROW, 2, NO_ROW]),
      count: 3,
    });
    expect(Array.from(videoRowOrdinals(ids, VIDEO, 10).ordinals)).toEqual([NO_ROW, 10, 11, NO_ROW, 12, NO_ROW]);
  });

  it('replaces exactly the video rows with consecutive feature rows and leaves the others alone', async () => {
    const ctx = await testGpu();
    const k = 3584;
    const ids = [5, VIDEO, VIDEO, 9, 9, VIDEO, VIDEO, VIDEO, 3];
    const m = ids.length;
    const { ordinals, count } = videoRowOrdinals(ids, VIDEO, 1); // a second prefill piece: features from row 1
    ordinals[7] = 6; // past the 6 feature rows: must come out NaN
    const featHost = randomF32(6 * k, 31);
    const embHost = randomF32(m * k, 32);
    const out = uploadTensor(ctx, 'emb', 'f32', [m, k], embHost);
    const features = uploadTensor(ctx, 'features', 'f32', [6, k], featHost);
    const ord = uploadTensor(ctx, 'ordinals', 'u32', [m], ordinals);
    runOps(ctx, [injectRows(ctx, 'inject', { ordinals: ord, features, out, m })]);
    const got = await readTensorF32(ctx, out);
    expect(count).toBe(5);
    for (let i = 0; i < m; i++) {
      const row = Array.from(got.subarray(i * k, (i + 1) * k));
      const o = ordinals[i]!;
      if (o === NO_ROW) expect(row, `row ${i}`).toEqual(Array.from(embHost.subarray(i * k, (i + 1) * k)));
      else if (o >= 6)
        expect(
          row.findIndex((x) => !Number.isNaN(x)),
          'first index that is not NaN',
        ).toBe(-1);
      else expect(row, `row ${i}`).toEqual(Array.from(featHost.subarray(o * k, (o + 1) * k)));
    }
    expect(ctx.errors).toEqual([]);
  });
});

describe('embedding gather past 65535 workgroups', () => {
  it('gathers 70000 rows (one workgroup each, folded into y by linearGrid)', async () => {
    const ctx = await testGpu();
    const [vocab, k, m] = [1000, 4, 70000];
    const bits = Uint16Array.from(randomF32(vocab * k, 23), (v) => f32To16Bits('bf16', v));
    const values = widen16('bf16', bits);
    const table = uploadW16(ctx, 'embed.big', 'bf16', bits, vocab, k);
    const idList = Array.from({ length: m }, (_, i) => (i * 7919) % vocab);
    const ids = uploadTensor(ctx, 'ids', 'u32', [m], Uint32Array.from(idList));
    const out = createTensor(ctx, 'out', 'f32', [m, k]);
    const op = embedGather(ctx, 'embed.big', { ids, table, out, m });
    expect(op.dispatches[0]!.workgroups[1]).toBeGreaterThan(1);
    runOps(ctx, [op]);
    const got = await readTensorF32(ctx, out);
    const want = new Float32Array(m * k);
    idList.forEach((id, i) => want.set(values.subarray(id * k, (id + 1) * k), i * k));
    expect(got).toEqual(want);
    expect(ctx.errors).toEqual([]);
  });
});
