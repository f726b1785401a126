// The engine façade in Chromium: load the tiny checkpoint over HTTP (q4, quantized on the GPU), prepare a video,
// stream a generation, then load again from the OPFS cache and get the same tokens with no checkpoint reads; a q8
// entry beside the q4 one; that entry's files loaded as a quantized folder (docs/quantized-folder.md).
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { WeightCache } from './weights/cache/weight-cache';
import { Q8_SCHEME } from './weights/q8-scheme';
import { entryFiles } from './weights/export/quantized-folder';
import type { ModelSource, TransferStats } from '../protocol/engine';

const SOURCE: ModelSource = { kind: 'url', id: 'engine-test/video-r2-tiny', baseUrl: '/public/models/video-r2-tiny/' };
const OPTIONS = { quantization: 'q4', kvCache: 'f32', useCache: true } as const;

/** A cache entry's files as a picked folder gives them (paths under the folder's name), i.e. its export. */
async function folderOf(key: string): Promise<{ path: string; file: File }[]> {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('video-r2-models');
  const dir = await root.getDirectoryHandle(key);
  const manifest = await (await dir.getFileHandle('manifest.json')).getFile();
  const out = [{ path: `${key}/manifest.json`, file: manifest }];
  for (const p of entryFiles(JSON.parse(await manifest.text()))) {
    const [a, b] = p.split('/') as [string, string | undefined];
    const file = b
      ? await (await (await dir.getDirectoryHandle(a)).getFileHandle(b)).getFile()
      : await (await dir.getFileHandle(a)).getFile();
    out.push({ path: `${key}/${p}`, file: new File([await file.arrayBuffer()], file.name) });
  }
  return out;
}

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
    let transfer: TransferStats | undefined;
    const first = await engine.load(SOURCE, OPTIONS, (phase, _d, _t, _detail, stats) => {
      phases.add(phase);
      if (stats) {
        phases.add(`transfer:${stats.phase}`);
        transfer = stats;
      }
    });
    expect(first.fromCache, 'the first load after clearing the cache must not come from it').toBe(false);
    expect(first.model.warnings).toEqual([]);
    expect(phases, 'quantized while downloading, each part written to the cache as it was made').toEqual(
      new Set(['config', 'quantize', 'transfer:download', 'transfer:cache']),
    );
    expect(transfer, 'the last transfer event counts every byte of the one file').toMatchObject({
      done: transfer?.total,
      resumed: 0,
      files: [{ file: 'model.safetensors', done: transfer?.total, resumed: 0 }],
    });
    const a = await runOnce(engine);
    expect(a.taps).toBe(4);

    const second = await engine.load(SOURCE, OPTIONS, () => undefined);
    expect(second.fromCache, 'the second load must come from the cache').toBe(true);
    expect(second.model.weightBytes).toBe(first.model.weightBytes);
    expect(first.model.weightsHash, 'a cached load names its weights').toMatch(/^[0-9a-f]{64}$/);
    expect(second.model.weightsHash, 'the same weights from the cache, the same hash').toBe(first.model.weightsHash);
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
    expect(first.model.weightsHash, 'other bytes, another hash').not.toBe(q4.model.weightsHash);
    expect(first.model.weightBytes).toBeGreaterThan(q4.model.weightBytes);
    const entries = (await cache.list()).filter((e) => e.modelId === SOURCE.id);
    expect(entries.map((e) => `${e.quantization} ${e.status}`).sort()).toEqual([
      'q4_0-sym-g32-f16 complete',
      'q8_0-sym-g32-f16 complete',
    ]);
    // Format v2 for q8 too: each part of a q8 linear holds its int8 codes (4 per u32) and f16 scales, checksummed.
    const q8Entry = await cache.openModel({ modelId: SOURCE.id, revision: 'main', quantization: Q8_SCHEME });
    const linears = Object.values(q8Entry!.manifest.tensors).filter((t) => t.format === 'q8');
    expect(linears.length).toBeGreaterThan(0);
    for (const t of linears) {
      const cols = t.shape[1]!;
      for (const p of t.parts) {
        expect(p.buffers.map((b) => [b.role, b.bytes, b.sha256.length])).toEqual([
          ['qweight', p.rows * cols, 1],
          ['scales', (p.rows * cols * 2) / 32, 1],
        ]);
        expect(p.buffers[0]!.shape).toEqual([p.rows, cols / 4]);
      }
    }
    const a = await runOnce(engine);
    const second = await engine.load(SOURCE, q8Options, () => undefined);
    expect(second.fromCache, 'the second q8 load must come from the q8 entry').toBe(true);
    expect(second.model.weightBytes).toBe(first.model.weightBytes);
    expect((await runOnce(engine)).ids).toEqual(a.ids);
    engine.unload();
  });

  it('a quantized folder (the q8 entry’s files) loads in its own scheme with the same tokens; a corrupted part fails the load naming its file', async () => {
    const engine = await Engine.create(navigator.gpu, (m) => {
      throw new Error(m);
    });
    await engine.load(SOURCE, { ...OPTIONS, quantization: 'q8' }, () => undefined); // from cache after the q8 test
    const a = await runOnce(engine);
    const key = (await (await WeightCache.open()).list()).find(
      (e) => e.modelId === SOURCE.id && e.quantization === Q8_SCHEME.id,
    )!.key;
    const files = await folderOf(key);
    // The Weights setting says 4-bit; the folder is 8-bit and loads as such.
    const folder = await engine.load({ kind: 'files', id: `local:${key}`, files }, OPTIONS, () => undefined);
    expect([folder.fromCache, folder.model.quantization]).toEqual([false, 'q8']);
    expect((await runOnce(engine)).ids).toEqual(a.ids);

    const i = files.findIndex((f) => f.path.endsWith('/model.embed_tokens@0.bin'));
    const bytes = new Uint8Array(await files[i]!.file.arrayBuffer());
    bytes[bytes.length >> 1]! ^= 1;
    const damaged = files.map((f, j) => (j === i ? { path: f.path, file: new File([bytes], 'x') } : f));
    await expect(
      engine.load({ kind: 'files', id: `local:${key}-damaged`, files: damaged }, OPTIONS, () => undefined),
    ).rejects.toThrow(/quantized folder .*model\.embed_tokens@0\.bin is corrupted.*Copy the folder again/);
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
