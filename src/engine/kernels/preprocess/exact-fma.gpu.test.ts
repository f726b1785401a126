// shaders/preprocess/exact_fma.wgsl against fmaF32 (itself checked against exact rational arithmetic).
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test-utils/gpu';
import { seededRandom } from '../../../test-utils/random';
import { makeDispatch, runDispatches } from '../../gpu/dispatch';
import { createTensor, readBuffer, uploadTensor } from '../../gpu/tensor';
import { shaderSource } from '../shader-source';
import { bitsToF32, f32ToBits, fmaF32, fround, nextF32 } from './exact-f32';

const HARNESS = `
@group(0) @binding(0) var<storage, read> abc: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&abc)) { return; }
  let v = abc[i];
  // v.w = 1: a is a uint8 integer passed as an integer (the resize_h path).
  if (v.w == 1u) { out[i] = exact_fma_u8(v.x, v.y, v.z); } else { out[i] = exact_fma(v.x, v.y, v.z); }
}`;

async function gpuFma(triples: readonly (readonly [number, number, number, boolean])[]): Promise<Uint32Array> {
  const ctx = await testGpu();
  const data = new Uint32Array(triples.length * 4);
  triples.forEach(([a, b, c, u8], i) =>
    data.set([u8 ? a : f32ToBits(a), f32ToBits(b), f32ToBits(c), u8 ? 1 : 0], i * 4),
  );
  const input = uploadTensor(ctx, 'fma.in', 'u32', [triples.length, 4], data);
  const out = createTensor(ctx, 'fma.out', 'u32', [triples.length]);
  const pipeline = ctx.pipelines.get({
    family: 'test/exact_fma',
    code: () => shaderSource('preprocess/exact_fma.wgsl') + HARNESS,
  });
  runDispatches(ctx, [
    makeDispatch(ctx, 'fma', pipeline, [input.buffer, out.buffer], [Math.ceil(triples.length / 64), 1, 1]),
  ]);
  const got = new Uint32Array(await readBuffer(ctx, out.buffer));
  input.buffer.destroy();
  out.buffer.destroy();
  expect(ctx.errors).toEqual([]);
  return got;
}

function expectAllExact(
  triples: readonly (readonly [number, number, number, boolean])[],
  got: Uint32Array,
  skip: readonly number[] = [],
): void {
  let bad = 0;
  const examples: string[] = [];
  triples.forEach(([a, b, c], i) => {
    if (skip.includes(i)) return;
    const want = fmaF32(a, b, c);
    if (got[i] !== f32ToBits(want) && !(want === 0 && bitsToF32(got[i]!) === 0)) {
      bad++;
      if (examples.length < 5) examples.push(`fma(${a}, ${b}, ${c}) = ${want}, GPU ${bitsToF32(got[i]!)}`);
    }
  });
  expect(examples).toEqual([]);
  expect(bad).toBe(0);
}

describe('exact_fma.wgsl', () => {
  it('rounds once, where the GPU fma() and a·b + c may not', async () => {
    const x = fround(1 + 2 ** -12);
    const up = fround(2 ** -47 + 2 ** -60);
    const cases = [
      [x, x, -1, false],
      [fround(1 + 2 ** -23), fround(1 - 2 ** -24), up, false],
      [fround(1 + 2 ** -23), fround(1 - 2 ** -24), -up, false],
      [3, fround(1 / 3), -1, false],
      [3, fround(1 / 3), -1, true],
      [0, 0.25, 7, true],
      [5, -0.5, 2.5, true],
      [255, fround(0.1), -25.5, true],
      [fround(2 ** -70), fround(2 ** -70), 0, false], // subnormal result
      [fround(2 ** -75), fround(2 ** -75), fround(2 ** -149), false],
      [fround(1e30), fround(1e9), 0, false], // overflow to infinity
      [1, 1, -1, false], // exact cancellation: +0
      // 8392705 · 16769026 = 2^47 + 2: products that sit a hair (2^-70) off a midpoint of 1's neighbours, below
      // the 62-bit alignment frame, so only the jammed sticky bit can decide the rounding.
      [8392705 * 2 ** -23, 16769026 * 2 ** -48, 1, false],
      [-8392705 * 2 ** -23, 16769026 * 2 ** -49, 1, false],
    ] as const;
    const got = await gpuFma(cases);
    expect(bitsToF32(got[0]!)).toBe(2 ** -11 + 2 ** -24);
    expect(bitsToF32(got[10]!)).toBe(Infinity);
    expect(got[11]).toBe(0);
    expect(bitsToF32(got[12]!)).toBe(1 + 2 ** -23);
    expect(bitsToF32(got[13]!)).toBe(1 - 2 ** -24);
    expectAllExact(cases, got, [10, 11]); // fmaF32 is not defined for overflow; ±0 checked above
  });

  it('matches fmaF32 on 200k random triples: resize-like values, wide exponents, cancellations, near-midpoints', async () => {
    const rand = seededRandom(11);
    const triples: [number, number, number, boolean][] = [];
    for (let i = 0; i < 200_000; i++) {
      const kind = i % 5;
      if (kind === 0) {
        triples.push([Math.floor(rand() * 256), fround((rand() - 0.2) * 1.3), fround((rand() - 0.3) * 400), true]);
      } else if (kind === 1) {
        triples.push([fround((rand() - 0.3) * 300), fround((rand() - 0.2) * 1.3), fround((rand() - 0.3) * 400), false]);
      } else if (kind === 2) {
        const a = fround((rand() - 0.5) * 2 ** (rand() * 60 - 30));
        const b = fround((rand() - 0.5) * 2 ** (rand() * 60 - 30));
        triples.push([a, b, fround((rand() - 0.5) * 2 ** (rand() * 60 - 30)), false]);
      } else if (kind === 3) {
        // c ≈ −a·b: heavy cancellation.
        const a = fround(rand() * 300);
        const b = fround(rand() - 0.2);
        triples.push([a, b, fround(-fround(a * b) * (1 + (rand() - 0.5) * 2 ** -20)), false]);
      } else {
        // a·b close to a multiple of half an ulp of the result: 1 ± small, c chosen to sit near midpoints.
        const a = fround(1 + Math.floor(rand() * 64) * 2 ** -23);
        const b = fround(1 - Math.floor(rand() * 64) * 2 ** -24);
        triples.push([a, b, nextF32(fround(2 ** -47 * Math.floor(rand() * 8 - 4)) || 2 ** -60, rand() - 0.5), false]);
      }
    }
    expectAllExact(triples, await gpuFma(triples));
  });
});
