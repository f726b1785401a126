// The q4 linears at the real Qwen2.5-VL-7B shapes: the decoder layer's projections (both paths) and the
// 152064-row lm_head on a device with WebGPU's default 128 MiB binding limit (so it must be split in chunks).
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { runOps } from '../gpu/dispatch';
import { createTensor, readTensorF32, uploadTensor } from '../gpu/tensor';
import { dequantRows, randomF32, randomQuantHost } from '../../test-utils/cpu/linalg';
import { embedGather } from './embed';
import { linear } from './linear';
import { destroyWeight } from './weight-chunks';
import { makeBias, quantCase, runAndCheckLinear, spread, uploadQuant } from '../../test-utils/linear-gpu';

const HIDDEN = 3584;
const KV = 512;
const INTERMEDIATE = 18944;
const VOCAB = 152064;

/** Times `reps` submissions of the same dispatches (orientation only: SwiftShader runs on the CPU; never asserted). */
async function timeMs(device: GPUDevice, run: () => void, reps = 3): Promise<number> {
  run();
  await device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / reps;
}

describe('q4 linears at the 7B decoder-layer shapes', () => {
  const shapes: [string, number, number, boolean][] = [
    ['q_proj', HIDDEN, HIDDEN, true],
    ['k_proj', KV, HIDDEN, true],
    ['gate_proj', INTERMEDIATE, HIDDEN, false],
    ['down_proj', HIDDEN, INTERMEDIATE, false],
  ];
  for (const [name, n, k, hasBias] of shapes) {
    it(`${name} ${n}×${k}: matvec (M = 1) and matmul (M = 3) match the reference on every output`, async () => {
      const ctx = await testGpu();
      const host = randomQuantHost('q4', n, k, n + k);
      const w = uploadQuant(ctx, 'q4', name, host, n, k);
      const xHost = randomF32(3 * k, 1);
      const x = uploadTensor(ctx, `${name}.x`, 'f32', [3, k], xHost);
      const bias = hasBias ? makeBias(ctx, `${name}.b`, 'bf16', randomF32(n, 2)) : undefined;
      const cols = spread(n);
      const mvErr = await runAndCheckLinear(
        ctx,
        `${name}.mv`,
        { x, weight: w, m: 1, xRowOffset: 2, bias: bias?.tensor },
        quantCase('q4', host, k, xHost, 1, cols, bias?.values),
      );
      const mvPlainErr = await runAndCheckLinear(
        ctx,
        `${name}.mv.plain`,
        { x, weight: w, m: 1, xRowOffset: 2, bias: bias?.tensor, matvecSubgroups: false },
        quantCase('q4', host, k, xHost, 1, cols, bias?.values),
      );
      const mmErr = await runAndCheckLinear(
        ctx,
        `${name}.mm`,
        { x, weight: w, m: 3, bias: bias?.tensor },
        quantCase('q4', host, k, xHost, 3, cols, bias?.values),
      );
      const y = createTensor(ctx, `${name}.ybench`, 'f32', [n]);
      const ms = async (matvecSubgroups: boolean) => {
        const op = linear(ctx, `${name}.bench`, { x, weight: w, y, m: 1, bias: bias?.tensor, matvecSubgroups });
        return (await timeMs(ctx.device, () => runOps(ctx, [op]))).toFixed(1);
      };
      console.log(
        `[swiftshader] q4 matvec ${name} ${n}×${k}: subgroups ${await ms(true)} ms, workgroup reduction ${await ms(false)} ms; ` +
          `worst rel. error matvec ${mvErr.toExponential(1)} / ${mvPlainErr.toExponential(1)}, matmul ${mmErr.toExponential(1)}`,
      );
      destroyWeight(w);
    });
  }
});

describe('q4 lm_head / embed_tokens, 152064 × 3584, default binding limits', () => {
  it('splits in chunks under 128 MiB; matvec and embedding gather match the reference across every chunk', async () => {
    const ctx = await testGpu({ bufferLimits: 'default' });
    expect(ctx.limits.maxStorageBufferBindingSize).toBe(128 * 1024 * 1024);
    const host = randomQuantHost('q4', VOCAB, HIDDEN, 99);
    const w = uploadQuant(ctx, 'q4', 'lm_head', host, VOCAB, HIDDEN);
    expect(w.chunks.length).toBe(3);
    for (const c of w.chunks) expect(c.qweight.size).toBeLessThanOrEqual(ctx.limits.maxStorageBufferBindingSize);
    // Rows sampled evenly plus every chunk's first and last row.
    const cols = [...new Set([...spread(VOCAB, 1500), ...w.chunks.flatMap((c) => [c.row0, c.row0 + c.rows - 1])])].sort(
      (a, b) => a - b,
    );
    const xHost = randomF32(5 * HIDDEN, 3);
    const x = uploadTensor(ctx, 'lm_head.x', 'f32', [5, HIDDEN], xHost);
    // The last row of a 5-row prefill, as after the final norm.
    await runAndCheckLinear(
      ctx,
      'lm_head',
      { x, weight: w, m: 1, xRowOffset: 4 },
      quantCase('q4', host, HIDDEN, xHost, 1, cols),
    );
    await runAndCheckLinear(
      ctx,
      'lm_head.plain',
      { x, weight: w, m: 1, xRowOffset: 4, matvecSubgroups: false },
      quantCase('q4', host, HIDDEN, xHost, 1, cols),
    );
    const y = createTensor(ctx, 'lm_head.ybench', 'f32', [VOCAB]);
    const op = linear(ctx, 'lm_head.bench', { x, weight: w, y, m: 1, xRowOffset: 4 });
    const ms = await timeMs(ctx.device, () => runOps(ctx, [op]), 1);
    console.log(`[swiftshader] q4 matvec lm_head ${VOCAB}×${HIDDEN} (${w.chunks.length} chunks): ${ms.toFixed(1)} ms`);

    // The same table as a q4 embed_tokens: gather ids on both sides of every chunk boundary.
    const idList = [...w.chunks.flatMap((c) => [c.row0, c.row0 + c.rows - 1]), 151656, 12345];
    const ids = uploadTensor(ctx, 'embed.ids', 'u32', [idList.length], Uint32Array.from(idList));
    const out = createTensor(ctx, 'embed.out', 'f32', [idList.length, HIDDEN]);
    runOps(ctx, [embedGather(ctx, 'embed', { ids, table: w, out, m: idList.length })]);
    expect(Array.from(await readTensorF32(ctx, out))).toEqual(Array.from(dequantRows('q4', host, HIDDEN, idList)));
    expect(ctx.errors).toEqual([]);
    destroyWeight(w);
  });
});
