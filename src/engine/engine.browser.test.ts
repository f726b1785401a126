// The engine façade in Chromium: load the tiny checkpoint over HTTP (q4, quantized on the GPU), prepare a video,
// stream a generation, then load again from the OPFS cache and get the same tokens with no checkpoint reads.
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { WeightCache } from './weights/cache/weight-cache';
import type { ModelSource } from '../protocol/engine';

const SOURCE: ModelSource = { kind: 'url', id: 'engine-test/video-r2-tiny', baseUrl: '/public/models/video-r2-tiny/' };
const OPTIONS = { quantization: 'q4', kvCache: 'f32', useCache: true } as const;

async function runOnce(engine: Engine): Promise<{ ids: number[]; text: string; taps: number }> {
  // 4 frames of 56×56 (no resize) → grid (2, 4, 4) → 8 video tokens.
  await engine.beginVideo('v', 4, 56, 56, 2);
  for (let i = 0; i < 4; i++) {
    const rgba = new Uint8Array(56 * 56 * 4).map((_, j) => (j % 4 === 3 ? 255 : (j * 7 + i * 50) % 256));
    await engine.pushFrame('v', i, 56, 56, rgba);
  }
  const ready = await engine.endVideo('v');
  expect(ready).toEqual({ grid: { t: 2, h: 4, w: 4 }, videoTokens: 8 });
  const ids: number[] = [];
  let text = '';
  let taps = 0;
  const res = await engine.generate(
    'v',
    { question: 'What happens?', suffix: '' },
    { maxNewTokens: 4, doSample: false, temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1.05, seed: 0 },
    true,
    {
      isCancelled: () => false,
      onProgress: () => undefined,
      onPrompt: (p) => expect(p.videoSpan[1] - p.videoSpan[0]).toBe(8),
      onToken: (t) => {
        ids.push(t.id);
        text += t.text;
        if (t.attention) {
          taps++;
          expect(t.attention.pairMass.length).toBe(2);
          expect(t.attention.videoRow.length).toBe(8);
        }
      },
    },
  );
  expect(res.reason).toBe('max-tokens');
  expect(res.stats.generatedTokens).toBe(4);
  return { ids, text, taps };
}

describe('Engine (Chromium)', () => {
  afterAll(async () => {
    const cache = await WeightCache.open();
    for (const e of await cache.list()) if (e.modelId === SOURCE.id) await cache.delete(e.key);
  });

  it('loads q4 over HTTP, generates, caches, and reloads from OPFS with identical tokens', async () => {
    const engine = await Engine.create(navigator.gpu, (m) => {
      throw new Error(m);
    });
    const cache = await WeightCache.open();
    for (const e of await cache.list()) if (e.modelId === SOURCE.id) await cache.delete(e.key);

    const phases = new Set<string>();
    const first = await engine.load(SOURCE, OPTIONS, (phase) => phases.add(phase));
    expect(first.fromCache, 'the first load after clearing the cache must not come from it').toBe(false);
    expect(first.model.warnings).toEqual([]);
    expect(phases).toContain('quantize');
    expect(phases).toContain('cache');
    const a = await runOnce(engine);
    expect(a.taps).toBe(4);

    const second = await engine.load(SOURCE, OPTIONS, () => undefined);
    expect(second.fromCache, 'the second load must come from the cache').toBe(true);
    expect(second.model.weightBytes).toBe(first.model.weightBytes);
    const b = await runOnce(engine);
    expect(b.ids).toEqual(a.ids);
    expect(b.text).toBe(a.text);
    engine.unload();
  });

  it('q8: cached beside the q4 entry (keyed by scheme), reloaded from OPFS with identical tokens', async () => {
    const engine = await Engine.create(navigator.gpu, (m) => {
      throw new Error(m);
    });
    const cache = await WeightCache.open();
    const q4 = await engine.load(SOURCE, OPTIONS, () => undefined); // from cache when the test above ran first
    const q8Options = { ...OPTIONS, quantization: 'q8' } as const;
    const first = await engine.load(SOURCE, q8Options, () => undefined);
    expect(first.fromCache, 'the q4 entry must not be served for q8').toBe(false);
    expect(first.model.quantization).toBe('q8');
    expect(first.model.weightBytes).toBeGreaterThan(q4.model.weightBytes);
    const schemes = (await cache.list()).filter((e) => e.modelId === SOURCE.id).map((e) => e.quantization);
    expect(schemes.sort()).toEqual(['q4_0-sym-g32-f16', 'q8_0-sym-g32-f16']);
    const a = await runOnce(engine);
    const second = await engine.load(SOURCE, q8Options, () => undefined);
    expect(second.fromCache, 'the second q8 load must come from the q8 entry').toBe(true);
    expect(second.model.weightBytes).toBe(first.model.weightBytes);
    expect((await runOnce(engine)).ids).toEqual(a.ids);
    engine.unload();
  });

  it('cancels a load: the download stops, nothing stays on the GPU, the next load works', async () => {
    const engine = await Engine.create(navigator.gpu, (m) => {
      throw new Error(m);
    });
    const abort = new AbortController();
    const uncached = { ...OPTIONS, useCache: false };
    const loading = engine.load(
      SOURCE,
      uncached,
      (phase, done) => {
        if (phase === 'quantize' && done > 0) abort.abort(new Error('user'));
      },
      abort.signal,
    );
    await expect(loading).rejects.toMatchObject({ code: 'cancelled' });
    await expect(
      engine.generate(
        'none',
        { question: 'q', suffix: '' },
        { maxNewTokens: 1, doSample: false, temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, seed: 0 },
        false,
        { isCancelled: () => false, onProgress: () => undefined, onPrompt: () => undefined, onToken: () => undefined },
      ),
    ).rejects.toMatchObject({ code: 'not-loaded' });
    const again = await engine.load(SOURCE, uncached, () => undefined);
    expect(again.model.textLayers).toBe(3);
    engine.unload();
  });
});
