import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { seededNormal, seededRandom } from '../../test-utils/random';
import { argmaxRef, gumbelDrawRef, keptSetRef, orderKeyRef, processLogitsRef } from '../../test-utils/cpu/sampling';
import { runOps } from '../gpu/dispatch';
import { readBuffer, readTensorF32, uploadTensor } from '../gpu/tensor';
import { createSampler, type SamplerConfig } from './sampling';

const QWEN_VOCAB = 152064;
const STOP = [151645, 151643];
const stopsFor = (vocab: number) => (vocab > STOP[0]! ? STOP : []);
const greedy = (vocab: number): SamplerConfig => ({
  vocab,
  mode: 'greedy',
  repetitionPenalty: 1.05,
  temperature: 1,
  topK: 0,
  topP: 1,
  seed: 0,
  stopIds: stopsFor(vocab),
});

function randomLogits(seed: number, n: number, scale = 3): Float32Array {
  const g = seededNormal(seed);
  return Float32Array.from({ length: n }, () => g() * scale);
}

async function step(cfg: SamplerConfig, logits: Float32Array, seen: number[], stepNo = 0) {
  const ctx = await testGpu();
  const t = uploadTensor(ctx, 'logits', 'f32', [logits.length], logits);
  const s = createSampler(ctx, 'sampler', cfg, t);
  s.resetSeen(seen);
  s.set({ step: stepNo });
  runOps(ctx, [s]);
  const [id, stopped] = new Uint32Array(await readBuffer(ctx, s.result.buffer));
  expect(ctx.errors).toEqual([]);
  return { ctx, s, id: id!, stopped: stopped! };
}

describe('sampler, greedy', () => {
  it('is HF argmax of penalised f32 logits over 152064 ids, with the penalty on prompt-only ids', async () => {
    const logits = randomLogits(1, QWEN_VOCAB);
    const top = argmaxRef(logits);
    logits[98765] = Math.fround(logits[top]! / 1.03); // a runner-up the penalty promotes
    // The prompt holds the raw winner (positive → divided by 1.05) plus scattered ids, some negative.
    const rand = seededRandom(2);
    const prompt = [top, ...Array.from({ length: 700 }, () => Math.floor(rand() * QWEN_VOCAB))];
    const want = argmaxRef(processLogitsRef(logits, new Set(prompt), 1.05));
    expect(want).not.toBe(top); // the penalty must matter for this test to mean anything
    const { id, stopped } = await step(greedy(QWEN_VOCAB), logits, prompt);
    expect(id).toBe(want);
    expect(stopped).toBe(0);
  });

  it('multiplies negative seen logits, breaks ties to the lowest id (also across blocks), flags stop ids, updates the mask', async () => {
    const n = 5000;
    const logits = new Float32Array(n).fill(-5);
    logits[4000] = -1; // best raw, but seen and negative → -1.05
    logits[3000] = -1.04; // unseen: wins after the penalty
    const first = await step(greedy(n), logits, [4000, 17]);
    expect(first.id).toBe(3000);
    logits.fill(-5);
    logits[1024] = 2;
    logits[1023] = 2; // tie across the 1024-id block edge
    logits[4999] = 2;
    const tie = await step(greedy(n), logits, []);
    expect(tie.id).toBe(1023);
    const mask = new Uint32Array(await readBuffer(tie.ctx, tie.s.seen.buffer));
    expect((mask[1023 >>> 5]! >>> (1023 & 31)) & 1).toBe(1);
    expect(mask.reduce((a, w) => a + popcount(w), 0)).toBe(1);
    // A second step now penalises 1023: 2 / 1.05 loses to the other tied ids; lowest is 1024.
    runOps(tie.ctx, [tie.s]);
    expect(new Uint32Array(await readBuffer(tie.ctx, tie.s.result.buffer))[0]).toBe(1024);

    const stopLogits = new Float32Array(QWEN_VOCAB).fill(0);
    stopLogits[151645] = 1;
    expect((await step(greedy(QWEN_VOCAB), stopLogits, [])).stopped).toBe(1);
  });
});

function popcount(w: number): number {
  let c = 0;
  for (let x = w >>> 0; x; x &= x - 1) c++;
  return c;
}

describe('sampler, sampling', () => {
  const sample = (vocab: number, topK: number, topP: number, temperature = 0.7): SamplerConfig => ({
    vocab,
    mode: 'sample',
    repetitionPenalty: 1.05,
    temperature,
    topK,
    topP,
    seed: 1234,
    stopIds: stopsFor(vocab),
  });

  async function keptAndDraw(cfg: SamplerConfig, logits: Float32Array, seen: number[], steps: number[]) {
    const first = await step(cfg, logits, seen, steps[0]);
    const { ctx, s } = first;
    const processed = await readTensorF32(ctx, s.processed!);
    const wantX = processLogitsRef(logits, new Set(seen), cfg.repetitionPenalty, cfg.temperature);
    expect(processed).toEqual(wantX); // correctly rounded division, bit for bit
    const keepKey = new Uint32Array(await readBuffer(ctx, s.state!.buffer))[2]!;
    const gpuKept = new Set<number>();
    processed.forEach((x, i) => orderKeyRef(x) >= keepKey && gpuKept.add(i));
    const ids = [first.id];
    for (const st of steps.slice(1)) {
      s.resetSeen(seen); // keep the same processed logits for every draw
      s.set({ step: st });
      runOps(ctx, [s]);
      ids.push(new Uint32Array(await readBuffer(ctx, s.result.buffer))[0]!);
    }
    return { wantX, gpuKept, ids };
  }

  const cases: [string, number, number, number][] = [
    ['top-k 50', 3000, 50, 1],
    ['top-p 0.9 alone', 3000, 0, 0.9],
    ['top-k 50 then top-p 0.8', 3000, 50, 0.8],
    ['top-k past the vocabulary (off) and top-p 1 (off)', 3000, 5000, 1],
    ['top-p 0 keeps only the maximum', 3000, 0, 0],
    ['Qwen vocabulary, top-k 40 and top-p 0.95', QWEN_VOCAB, 40, 0.95],
  ];
  for (const [name, n, k, p] of cases) {
    it(`keeps exactly HF's set and draws deterministically: ${name}`, async () => {
      const logits = randomLogits(n + k, n, 2);
      const seen = Array.from({ length: 40 }, (_, i) => (i * 7919) % n);
      const cfg = sample(n, k, p);
      const { wantX, gpuKept, ids } = await keptAndDraw(cfg, logits, seen, [0, 1, 2, 3, 0]);
      const { kept, margin } = keptSetRef(wantX, k, p);
      expect(margin).toBeGreaterThan(1e-6); // no cumsum sits on the 1 − p edge, so the reference is unambiguous
      expect([...gpuKept].sort((a, b) => a - b)).toEqual([...kept].sort((a, b) => a - b));
      ids.forEach((id, i) => expect(id).toBe(gumbelDrawRef(wantX, kept, cfg.seed, [0, 1, 2, 3, 0][i]!)));
      expect(ids[4]).toBe(ids[0]); // same (seed, step) → same id
    });
  }

  it('cuts top-p on the right side of a known boundary (probabilities 0.5, 0.3, 0.15, 0.05)', async () => {
    const logits = Float32Array.from([0.05, 0.5, 0.15, 0.3], Math.log);
    for (const [p, want] of [
      [0.79, [1, 3]],
      [0.81, [1, 2, 3]],
      [0.49, [1]],
      [0.96, [0, 1, 2, 3]],
    ] as const) {
      const cfg = { ...sample(4, 0, p, 1), repetitionPenalty: 1 };
      const { gpuKept } = await keptAndDraw(cfg, logits, [], [0]);
      expect([...gpuKept].sort(), `top-p ${p}`).toEqual([...want]);
      expect([...keptSetRef(logits, 0, p).kept].sort()).toEqual([...want]);
    }
  });

  it('keeps every tie at the top-k threshold (k = 1 with a tied maximum samples among both)', async () => {
    const n = 2048;
    const logits = randomLogits(5, n, 1);
    logits[100] = 9;
    logits[2000] = 9;
    const cfg = sample(n, 1, 1, 1);
    const { gpuKept, ids } = await keptAndDraw(
      cfg,
      logits,
      [],
      Array.from({ length: 12 }, (_, i) => i),
    );
    expect([...gpuKept].sort((a, b) => a - b)).toEqual([100, 2000]);
    expect(new Set(ids)).toEqual(new Set([100, 2000]));
  });

  it('rejects invalid settings with the offending value', async () => {
    const ctx = await testGpu();
    const t = uploadTensor(ctx, 'l', 'f32', [8], new Float32Array(8));
    expect(() => createSampler(ctx, 's', { ...sample(8, 0, 1), temperature: 0 }, t)).toThrow(/temperature 0/);
    expect(() => createSampler(ctx, 's', { ...sample(8, 0, 1.5) }, t)).toThrow(/topP 1.5/);
    expect(() => createSampler(ctx, 's', { ...sample(8, 0, 1), stopIds: [8] }, t)).toThrow(/stopIds\[0\] = 8/);
    const s = createSampler(ctx, 's', sample(8, 0, 1), t);
    expect(() => s.resetSeen([3, 9])).toThrow(/context id 9/);
  });
});
