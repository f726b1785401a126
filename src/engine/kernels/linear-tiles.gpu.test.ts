// The matmul's tile heights (16, 32, 64 rows; linear.ts matmulTileRows picks one by M): every height gives the f64
// reference for M around and across tile boundaries, and writes no row at or past M.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import type { GpuContext } from '../gpu/device';
import { runOps } from '../gpu/dispatch';
import { createTensor, readBuffer, uploadTensor } from '../gpu/tensor';
import {
  dequantRows,
  f32To16Bits,
  linearRef,
  randomF32,
  randomQuantHost,
  widen16,
  worstLinearError,
} from '../../test-utils/cpu/linalg';
import { LINEAR_TOL, makeBias, spread, uploadQuant, uploadW16 } from '../../test-utils/linear-gpu';
import { linear, matmulTileRows, type LinearArgs, type MatmulTileRows } from './linear';

const GUARD_ROWS = 16;
const SENTINEL = -12345.5;

/**
 * Runs `linear` into a y with GUARD_ROWS extra rows prefilled with a sentinel; checks rows < m against the f64
 * reference (every column) and that the guard rows still hold the sentinel (a tile that forgot its row mask
 * would overwrite them).
 */
async function checkWithGuard(
  ctx: GpuContext,
  label: string,
  args: Omit<LinearArgs, 'y'>,
  xHost: Float32Array,
  wRows: Float32Array,
  biasValues?: Float32Array,
): Promise<void> {
  const { m } = args;
  const n = 'kind' in args.weight ? args.weight.rows : args.weight.shape[0]!;
  const k = 'kind' in args.weight ? args.weight.cols : args.weight.shape[1]!;
  const rows = m + GUARD_ROWS;
  const y = uploadTensor(ctx, `${label}.y`, 'f32', [rows, n], new Float32Array(rows * n).fill(SENTINEL));
  runOps(ctx, [linear(ctx, label, { ...args, y })], label);
  const got = new Float32Array(await readBuffer(ctx, y.buffer));
  y.buffer.destroy();
  const x0 = (args.xRowOffset ?? 0) * k;
  const ref = linearRef(xHost.subarray(x0, x0 + m * k), m, k, wRows, n, biasValues);
  const { err, at } = worstLinearError(got.subarray(0, m * n), ref);
  expect(err, `${label}: worst relative error at output ${at} (row ${Math.floor(at / n)})`).toBeLessThanOrEqual(
    LINEAR_TOL,
  );
  const overwritten = got.subarray(m * n).findIndex((v) => v !== SENTINEL);
  expect(overwritten, `${label}: wrote row ${m + Math.floor(overwritten / n)}, past m = ${m}`).toBe(-1);
  expect(ctx.errors).toEqual([]);
}

describe('matmul tile height by M', () => {
  it('picks the tile with the least padded work', () => {
    const picks = [1, 5, 16, 17, 32, 33, 64, 65, 96, 97, 128, 129, 2047, 2048].map((m) => [m, matmulTileRows(m)]);
    expect(Object.fromEntries(picks)).toEqual({
      1: 16,
      5: 16,
      16: 16,
      17: 32,
      32: 32,
      33: 64,
      64: 64,
      65: 32,
      96: 32,
      97: 64,
      128: 64,
      129: 32,
      2047: 64,
      2048: 64,
    });
  });

  it('q4: matches the reference for M = 1, 5, 16, 33, 64, 65 at the chosen tile and across tiles (chunked W, x offset, bias)', async () => {
    const ctx = await testGpu();
    const [n, k] = [136, 96]; // 3 chunks (64, 64, 8 rows: a partial column tile), 3 K steps
    const host = randomQuantHost('q4', n, k, 31);
    const w = uploadQuant(ctx, 'q4', 'tiles.q4.w', host, n, k, { maxChunkBytes: 64 * (k / 2) });
    expect(w.chunks.map((c) => c.rows)).toEqual([64, 64, 8]);
    const wRows = dequantRows('q4', host, k, spread(n));
    const xHost = randomF32(67 * k, 32);
    const x = uploadTensor(ctx, 'tiles.q4.x', 'f32', [67, k], xHost);
    const bias = makeBias(ctx, 'tiles.q4.b', 'f32', randomF32(n, 33));
    // The chosen tiles cover every height (16: M = 1, 5, 16; 64: 33, 64; 32: 65); the forced ones add several
    // 16-row tiles with a partial last one, and two full 32-row tiles.
    const cases: [number, MatmulTileRows | undefined][] = [
      [1, undefined],
      [5, undefined],
      [16, undefined],
      [33, undefined],
      [64, undefined],
      [65, undefined],
      [33, 16],
      [64, 32],
    ];
    for (const [m, forced] of cases) {
      const tile = forced ?? matmulTileRows(m);
      const args = {
        x,
        weight: w,
        m,
        xRowOffset: 2,
        bias: bias.tensor,
        path: 'matmul',
        matmulTileRows: forced,
      } as const;
      const probe = linear(ctx, 'tiles.probe', { ...args, y: createTensor(ctx, 'tiles.probe.y', 'f32', [m, n]) });
      expect(probe.dispatches[0]!.workgroups, `m = ${m}, tile ${tile}: grid`).toEqual([1, Math.ceil(m / tile), 1]);
      await checkWithGuard(ctx, `tiles.q4.m${m}.t${tile}`, args, xHost, wRows, bias.values);
    }
  });

  it('q8: short and full tiles match the reference (chunked W, bias)', async () => {
    const ctx = await testGpu();
    const [n, k] = [72, 64];
    const host = randomQuantHost('q8', n, k, 37);
    const w = uploadQuant(ctx, 'q8', 'tiles.q8.w', host, n, k, { maxChunkBytes: 64 * k });
    expect(w.chunks.map((c) => c.rows)).toEqual([64, 8]);
    const xHost = randomF32(65 * k, 38);
    const x = uploadTensor(ctx, 'tiles.q8.x', 'f32', [65, k], xHost);
    const bias = makeBias(ctx, 'tiles.q8.b', 'f32', randomF32(n, 39));
    for (const [m, tile] of [
      [5, 16],
      [33, 32],
      [65, 64],
    ] as const) {
      const args = { x, weight: w, m, bias: bias.tensor, path: 'matmul', matmulTileRows: tile } as const;
      await checkWithGuard(
        ctx,
        `tiles.q8.m${m}.t${tile}`,
        args,
        xHost,
        dequantRows('q8', host, k, spread(n)),
        bias.values,
      );
    }
  });

  it('16-bit: short tiles match the reference, K not a multiple of the tile depth', async () => {
    const ctx = await testGpu();
    const [n, k] = [70, 100];
    const bits = Uint16Array.from(randomF32(n * k, 34, 0.2), (v) => f32To16Bits('bf16', v));
    const w = uploadW16(ctx, 'tiles.w16.w', 'bf16', bits, n, k);
    const xHost = randomF32(33 * k, 35);
    const x = uploadTensor(ctx, 'tiles.w16.x', 'f32', [33, k], xHost);
    for (const [m, tile] of [
      [5, 16],
      [33, 32],
    ] as const) {
      const args = { x, weight: w, m, path: 'matmul', matmulTileRows: tile } as const;
      await checkWithGuard(ctx, `tiles.w16.m${m}.t${tile}`, args, xHost, widen16('bf16', bits));
    }
  });

  it('refuses a tile height the shaders are not built for', async () => {
    const ctx = await testGpu();
    const [n, k] = [64, 64];
    const w = uploadQuant(ctx, 'q4', 'tiles.bad.w', randomQuantHost('q4', n, k, 36), n, k);
    const x = createTensor(ctx, 'tiles.bad.x', 'f32', [4, k]);
    const y = createTensor(ctx, 'tiles.bad.y', 'f32', [4, n]);
    expect(() => linear(ctx, 'tiles.bad', { x, weight: w, y, m: 4, matmulTileRows: 8 as 16 })).toThrow(
      /tiles\.bad: matmulTileRows 8 must be one of 16, 32, 64/,
    );
  });
});
