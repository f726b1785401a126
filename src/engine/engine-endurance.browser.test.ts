// The engine over many runs in Chromium (issue 12), with the tiny checkpoint.
// Device loss: GPUDevice.destroy() forced through the engine's test hook while preparing the video, in the vision
// tower, in prefill, mid-decode and while loading. Each attempt must fail with code 'gpu-lost' and a message naming
// what was running; the OPFS cache entry must be the same afterwards; and the retry the app makes (load again,
// prepare the video again, ask again) must run on a new device, load from the cache, and answer with the very
// tokens of the run before any loss.
// Endurance: 50 questions on one video must not grow GPU buffers, the buffer pool or the JS heap.
import { afterAll, describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { Engine, type EngineStage } from './engine';
import { WeightCache, type CachedModelInfo } from './weights/cache/weight-cache';
import type { ModelSource } from '../protocol/engine';

const SOURCE: ModelSource = { kind: 'url', id: 'device-loss-test/video-r2-tiny', baseUrl: '/models/video-r2-tiny/' };
const OPTIONS = { quantization: 'q4', kvCache: 'f32', useCache: true } as const;
const RUNS = 50;
/** Runs before the GPU-side numbers must hold still (the first runs size the buffer pool). */
const WARMUP = 3;
const PARAMS = { maxNewTokens: 4, doSample: false, temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1.05, seed: 0 };

async function ourEntries(): Promise<CachedModelInfo[]> {
  const cache = await WeightCache.open();
  return (await cache.list()).filter((e) => e.modelId === SOURCE.id);
}

/** The same video every time: 4 frames of 56×56 (no resize) → grid (2, 4, 4) → 8 video tokens. */
async function prepare(engine: Engine): Promise<void> {
  await engine.beginVideo('v', 4, 56, 56, 2);
  for (let i = 0; i < 4; i++) {
    const rgba = new Uint8Array(56 * 56 * 4).map((_, j) => (j % 4 === 3 ? 255 : (j * 7 + i * 50) % 256));
    await engine.pushFrame('v', i, 56, 56, rgba);
  }
  await engine.endVideo('v');
}

/** The same question, 4 greedy tokens with the attention tap. */
async function generate(engine: Engine): Promise<number[]> {
  const ids: number[] = [];
  const res = await engine.generate('v', { question: 'What happens?', suffix: '' }, PARAMS, true, {
    isCancelled: () => false,
    onProgress: () => undefined,
    onPrompt: () => undefined,
    onToken: (t) => ids.push(t.id),
  });
  expect(res.reason).toBe('max-tokens');
  return ids;
}

/** What the app does after a load: prepare the video, then ask. */
async function ask(engine: Engine): Promise<number[]> {
  await prepare(engine);
  return await generate(engine);
}

/** The loss test's engine (model loaded, pipelines compiled) and its reference tokens, reused by the 50 runs. */
let shared: { engine: Engine; reference: number[] } | null = null;

describe('device loss (Chromium)', () => {
  afterAll(async () => {
    const cache = await WeightCache.open();
    for (const e of await ourEntries()) await cache.delete(e.key);
  });

  it('each stage ends in a gpu-lost message; the cache is untouched; the retry answers with the same tokens', async () => {
    let loseAt: { stage: EngineStage; index: number } | null = null;
    const announced: string[] = [];
    const engine = await Engine.create(navigator.gpu, (m) => announced.push(m), {
      loseDeviceAt: (stage, index) => {
        if (loseAt?.stage !== stage || loseAt.index !== index) return false;
        loseAt = null;
        return true;
      },
    });
    const cache = await WeightCache.open();
    for (const e of await ourEntries()) await cache.delete(e.key);
    expect((await engine.load(SOURCE, OPTIONS, () => undefined)).fromCache, 'the first load (empty cache)').toBe(false);
    const before = await ourEntries();
    expect(before.map((e) => e.status)).toEqual(['complete']);
    const reference = await ask(engine);
    const firstDevice = engine.ctx.device;

    // Load first: its retry is the load itself, and the next case's attempt runs on that device, so every retried
    // device but one compiles each pipeline exactly once (compiling is most of this test's time on SwiftShader).
    const cases: { stage: EngineStage; index: number; doing: RegExp; attempt: () => Promise<unknown> }[] = [
      {
        stage: 'load',
        index: 2,
        doing: /while loading the model/,
        attempt: () => engine.load(SOURCE, OPTIONS, () => undefined),
      },
      { stage: 'preprocess', index: 2, doing: /while preparing the video \(frame 3\)/, attempt: () => ask(engine) },
      { stage: 'vision', index: 0, doing: /while running the vision tower/, attempt: () => ask(engine) },
      { stage: 'prefill', index: 0, doing: /while reading the prompt \(prefill\)/, attempt: () => ask(engine) },
      { stage: 'decode', index: 2, doing: /while generating token 3/, attempt: () => ask(engine) },
    ];
    for (const c of cases) {
      const device = engine.ctx.device;
      loseAt = { stage: c.stage, index: c.index };
      const failure = await c.attempt().then(
        () => null,
        (e: unknown) => e as { code?: string; message?: string },
      );
      expect(loseAt, `the hook never reached ${c.stage} ${c.index}`).toBeNull();
      expect(failure?.code, `loss during ${c.stage}: ${failure?.message ?? 'no error at all'}`).toBe('gpu-lost');
      expect(failure?.message).toMatch(/^The GPU device was lost /);
      expect(failure?.message, `loss during ${c.stage}`).toMatch(c.doing);
      expect(announced.at(-1), 'the loss is announced with the same words').toBe(failure?.message);
      expect(await ourEntries(), `the OPFS entry after a loss during ${c.stage}`).toEqual(before);

      // The retry: a new device, the model from the OPFS cache, the video again, the same question (after a loss
      // while loading, the load is the retry; the next case asks on that device).
      const again = await engine.load(SOURCE, OPTIONS, () => undefined);
      expect(again.fromCache, `reload after a loss during ${c.stage}`).toBe(true);
      expect(engine.ctx.device, 'a new device after the loss').not.toBe(device);
      if (c.stage !== 'load') expect(await ask(engine), `tokens after a loss during ${c.stage}`).toEqual(reference);
    }
    expect(engine.ctx.device).not.toBe(firstDevice);
    expect(announced).toHaveLength(cases.length);
    expect(engine.ctx.errors).toEqual([]);
    shared = { engine, reference };
  }, 1_200_000);
});

interface HeapUsage {
  usedSize: number;
  backingStorageSize?: number;
}

interface AfterRun {
  buffers: number;
  bufferBytes: number;
  poolLive: number;
  poolFree: number;
  poolFreeBytes: number;
  uniformSlots: number;
  heap: number;
}

describe('50 runs on one video (Chromium)', () => {
  it('GPU buffers, the buffer pool and the JS heap stop growing after the first runs', async () => {
    // Reuses the loss test's engine when it ran (no second compile of every pipeline on SwiftShader).
    const engine =
      shared?.engine ??
      (await Engine.create(navigator.gpu, (m) => {
        throw new Error(m);
      }));
    if (!shared) await engine.load(SOURCE, OPTIONS, () => undefined);
    // Every GPU buffer the engine creates, by size, until destroyed (the pool's own numbers are checked too).
    const device = engine.ctx.device;
    const live = new Map<GPUBuffer, number>();
    const create = device.createBuffer.bind(device);
    device.createBuffer = (d: GPUBufferDescriptor) => {
      const b = create(d);
      live.set(b, b.size);
      const destroy = b.destroy.bind(b);
      b.destroy = () => {
        live.delete(b);
        destroy();
      };
      return b;
    };
    const session = cdp();
    const heap = async (): Promise<number> => {
      await session.send('HeapProfiler.collectGarbage');
      const h = (await session.send('Runtime.getHeapUsage')) as HeapUsage;
      return h.usedSize + (h.backingStorageSize ?? 0);
    };

    await prepare(engine);
    const series: AfterRun[] = [];
    let reference = shared?.reference ?? null;
    for (let run = 0; run < RUNS; run++) {
      const ids = await generate(engine);
      reference ??= ids;
      expect(ids, `run ${run + 1} answers like the first run`).toEqual(reference);
      const pool = engine.ctx.pool.stats();
      expect(pool.liveBuffers, `run ${run + 1} returned every pooled buffer`).toBe(0);
      series.push({
        buffers: live.size,
        bufferBytes: [...live.values()].reduce((a, b) => a + b, 0),
        poolLive: pool.liveBuffers,
        poolFree: pool.freeBuffers,
        poolFreeBytes: pool.freeBytes,
        uniformSlots: engine.ctx.uniforms.liveSlots,
        heap: await heap(),
      });
    }
    const table = series.map((s, i) => `${i + 1}: ${JSON.stringify(s)}`).join('\n');
    console.log(`after each run:\n${table}`);
    // GPU side: from the third run on (the first runs size the pool), exactly the same buffers every time.
    const settled = series[WARMUP - 1]!;
    for (const key of ['buffers', 'bufferBytes', 'poolFree', 'poolFreeBytes', 'uniformSlots'] as const)
      expect(
        series
          .slice(WARMUP)
          .filter((s) => s[key] !== settled[key])
          .map((s) => series.indexOf(s) + 1),
        `runs whose ${key} differs from run ${WARMUP}'s ${settled[key]}:\n${table}`,
      ).toEqual([]);
    // JS heap (after a forced GC, ArrayBuffers included): the last ten runs within 256 KiB of runs 3–12's highest,
    // and a least-squares slope under 6 KiB per run (a per-run leak of that size would pass 256 KiB in 50 runs).
    const early = Math.max(...series.slice(WARMUP - 1, WARMUP + 9).map((s) => s.heap));
    const late = Math.max(...series.slice(-10).map((s) => s.heap));
    const tail = series.slice(WARMUP - 1).map((s, i) => [i, s.heap] as const);
    const mx = tail.reduce((a, [x]) => a + x, 0) / tail.length;
    const my = tail.reduce((a, [, y]) => a + y, 0) / tail.length;
    const slope =
      tail.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / tail.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    console.log(`JS heap: runs 3–12 max ${early}, last 10 max ${late}, slope ${slope.toFixed(0)} bytes/run`);
    expect(late, `JS heap grew from ${early} to ${late} bytes:\n${table}`).toBeLessThanOrEqual(early + 256 * 1024);
    expect(slope, `JS heap grows ${slope.toFixed(0)} bytes per run:\n${table}`).toBeLessThan(6 * 1024);
    expect(engine.ctx.errors).toEqual([]);
    engine.unload();
  }, 1_200_000);
});
