import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { makeDispatch, runDispatches, runOps } from '../gpu/dispatch';
import { createTensor, readBuffer, readTensorF32, uploadTensor } from '../gpu/tensor';
import { erfcContinuedFraction, erfRef, geluRef, randomF32, siluRef } from '../../test-utils/cpu/linalg';
import { gelu, swiglu, swigluFused } from './activations';
import { shaderSource } from './shader-source';

function worstRel(got: ArrayLike<number>, ref: ArrayLike<number>, abs: number): number {
  let w = 0;
  for (let i = 0; i < ref.length; i++) w = Math.max(w, Math.abs(got[i]! - ref[i]!) / (Math.abs(ref[i]!) + abs));
  return w;
}

describe('swiglu', () => {
  // GPU exp is within a few ulp on SwiftShader (WGSL allows 3 + 2|x| ulp); 1e-5 relative covers |gate| ≤ 20 even
  // at the spec's bound, and the ±100 extremes saturate (exp → 0 or ∞) identically on both sides.
  const gateValues = (n: number) => {
    const g = randomF32(n, 1, 8);
    g[0] = 100;
    g[1] = -100;
    g[2] = 0;
    return g;
  };

  it('computes silu(gate)·up from two buffers, I not a multiple of the workgroup', async () => {
    const ctx = await testGpu();
    const [m, cols] = [3, 3420];
    const g = gateValues(m * cols);
    const u = randomF32(m * cols, 2, 3);
    const out = createTensor(ctx, 'out', 'f32', [m, cols]);
    const gate = uploadTensor(ctx, 'gate', 'f32', [m, cols], g);
    const up = uploadTensor(ctx, 'up', 'f32', [m, cols], u);
    runOps(ctx, [
      swiglu(ctx, 'swiglu', {
        gate: { tensor: gate, offset: 0, stride: cols },
        up: { tensor: up, offset: 0, stride: cols },
        out,
        m,
        cols,
      }),
    ]);
    const ref = Array.from(g, (v, i) => siluRef(v) * u[i]!);
    expect(worstRel(await readTensorF32(ctx, out), ref, 1e-35)).toBeLessThanOrEqual(1e-5);
    expect(ctx.errors).toEqual([]);
  });

  it('reads the two halves of a fused [M, 2I] gate|up output', async () => {
    const ctx = await testGpu();
    const [m, cols] = [4, 1000];
    const fused = gateValues(m * 2 * cols);
    const gateUp = uploadTensor(ctx, 'gateUp', 'f32', [m, 2 * cols], fused);
    const out = createTensor(ctx, 'out', 'f32', [m, cols]);
    runOps(ctx, [swigluFused(ctx, 'swiglu.fused', { gateUp, out, m, cols })]);
    const ref: number[] = [];
    for (let r = 0; r < m; r++)
      for (let i = 0; i < cols; i++) ref.push(siluRef(fused[r * 2 * cols + i]!) * fused[r * 2 * cols + cols + i]!);
    expect(worstRel(await readTensorF32(ctx, out), ref, 1e-35)).toBeLessThanOrEqual(1e-5);
    expect(ctx.errors).toEqual([]);
  });

  it('rejects views that run past their tensor', async () => {
    const ctx = await testGpu();
    const t = createTensor(ctx, 't', 'f32', [2, 8]);
    const out = createTensor(ctx, 'o', 'f32', [2, 8]);
    expect(() =>
      swiglu(ctx, 's', {
        gate: { tensor: t, offset: 4, stride: 8 },
        up: { tensor: t, offset: 0, stride: 8 },
        out,
        m: 2,
        cols: 8,
      }),
    ).toThrow(/gate \(t\) has 16 elements, need 20/);
  });
});

describe('exact GELU and its erf', () => {
  const grid = (lo: number, hi: number, n: number) =>
    Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

  it('erf_f32 / erfc_f32 track the f64 reference over [-10, 10]', async () => {
    const ctx = await testGpu();
    const zs = grid(-10, 10, 40000);
    const code = `${shaderSource('common/erf.wgsl')}
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read_write> r: array<vec2<f32>>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&z)) { r[id.x] = vec2<f32>(erf_f32(z[id.x]), erfc_f32(z[id.x])); }
}`;
    const pipeline = ctx.pipelines.get({ family: 'test.erf', code: () => code });
    const z = uploadTensor(ctx, 'z', 'f32', [zs.length], zs);
    const r = createTensor(ctx, 'r', 'f32', [zs.length * 2]);
    runDispatches(ctx, [makeDispatch(ctx, 'erf', pipeline, [z.buffer, r.buffer], [Math.ceil(zs.length / 64), 1, 1])]);
    const got = new Float32Array(await readBuffer(ctx, r.buffer));
    let erfAbs = 0;
    let erfRel = 0;
    let erfcRel = 0;
    zs.forEach((v, i) => {
      const e = erfRef(v);
      const ec = v > 2.5 ? erfcContinuedFraction(v) : 1 - e;
      erfAbs = Math.max(erfAbs, Math.abs(got[2 * i]! - e));
      if (Math.abs(v) < 0.5 && v !== 0) erfRel = Math.max(erfRel, Math.abs(got[2 * i]! / e - 1));
      if (v < 9) erfcRel = Math.max(erfcRel, Math.abs(got[2 * i + 1]! / ec - 1)); // erfc(9) ≈ 4e-37: f32 subnormal past it
    });
    console.log(
      `[erf] max |erf err| ${erfAbs.toExponential(2)}, max rel erf err near 0 ${erfRel.toExponential(2)}, max rel erfc err on [-10, 9] ${erfcRel.toExponential(2)}`,
    );
    expect(erfAbs).toBeLessThanOrEqual(3e-7); // a few f32 ulp of 1
    expect(erfRel).toBeLessThanOrEqual(3e-7); // the series keeps relative accuracy near 0
    expect(erfcRel).toBeLessThanOrEqual(1e-5); // measured 4e-6 near z = 9: f32 exp of arguments down to −81
    expect(ctx.errors).toEqual([]);
  });

  it('gelu matches x·Φ(x) over [-12, 12], out of place and in place', async () => {
    const ctx = await testGpu();
    const xs = new Float32Array([...grid(-12, 12, 20000), ...randomF32(3996, 3, 4), 0, -0, 1e-30, -1e-30]);
    const ref = Array.from(xs, geluRef);
    const x = uploadTensor(ctx, 'x', 'f32', [xs.length], xs);
    const out = createTensor(ctx, 'out', 'f32', [xs.length]);
    runOps(ctx, [gelu(ctx, 'gelu', { x, out, n: xs.length })]);
    const got = await readTensorF32(ctx, out);
    // Relative accuracy everywhere (no cancellation in the erfc form): measured 4e-6 at x ≈ −11.5 (f32 exp of
    // arguments near −65) and ~1e-6 for |x| ≤ 6, where the merger's pre-activations live.
    const err = worstRel(got, ref, 1e-37);
    const central = worstRel(
      got.filter((_, i) => Math.abs(xs[i]!) <= 6),
      ref.filter((_, i) => Math.abs(xs[i]!) <= 6),
      1e-37,
    );
    console.log(`[gelu] max rel err ${err.toExponential(2)} on [-12, 12], ${central.toExponential(2)} on [-6, 6]`);
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(central).toBeLessThanOrEqual(2e-6);
    runOps(ctx, [gelu(ctx, 'gelu.inplace', { x, n: xs.length })]);
    expect(Array.from(await readTensorF32(ctx, x))).toEqual(Array.from(got));
    expect(ctx.errors).toEqual([]);
  });
});
