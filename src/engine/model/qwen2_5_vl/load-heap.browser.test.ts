// Peak JS memory while the real loader (URL source → Range reads → q4 quantization on the GPU) loads a 7B-shaped
// checkpoint served by a loopback server that generates the bytes per Range (test-utils/heap-test-config.ts: the
// `ci` variant by default, the 3.24 GB `full` one with VR2_HEAP_TEST=full). Measured with CDP in this tab: after a
// forced garbage collection, V8's used heap plus ArrayBuffer backing stores (where fetched chunks live; V8's heap
// figure alone never sees them). So this is the memory the loader keeps reachable, which must stay bounded by its
// streaming chunks, not grow with tensors or files (ARCHITECTURE.md §12).
import { describe, expect, inject, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { testGpu } from '../../../test-utils/gpu';
import { openCheckpoint } from '../../weights/checkpoint';
import { UrlSource } from '../../weights/url-source';
import { loadModelWeights } from './load-weights';

const MiB = 2 ** 20;
const LIMIT = 256 * MiB;

interface HeapUsage {
  usedSize: number;
  backingStorageSize?: number;
}

describe('loading a 7B-shaped checkpoint (Chromium)', () => {
  it('keeps live JS memory (heap + ArrayBuffers) under 256 MiB while streaming and quantizing', async () => {
    const { variant, url, fileBytes } = inject('syntheticCheckpoint');
    const session = cdp();
    const live = async (): Promise<{ heap: number; buffers: number }> => {
      await session.send('HeapProfiler.collectGarbage');
      const h = (await session.send('Runtime.getHeapUsage')) as HeapUsage;
      if (h.backingStorageSize === undefined)
        throw new Error(
          'Runtime.getHeapUsage has no backingStorageSize in this Chromium: ArrayBuffers would go unmeasured',
        );
      return { heap: h.usedSize, buffers: h.backingStorageSize };
    };
    const ctx = await testGpu();
    const before = await live();
    const peak = { total: 0, heap: 0, buffers: 0 };
    let samples = 0;
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        const m = await live();
        if (m.heap + m.buffers > peak.total) Object.assign(peak, { total: m.heap + m.buffers, ...m });
        samples++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const t0 = performance.now();
    const ckpt = await openCheckpoint(new UrlSource(url));
    expect(ckpt.spec.text.vocabSize).toBe(152064);
    const largest = Math.max(...[...ckpt.tensors.values()].map((t) => t.byteLength));
    expect(
      largest,
      'the checkpoint needs a tensor larger than the bound for the test to mean anything',
    ).toBeGreaterThan(LIMIT);
    const weights = await loadModelWeights(ctx, ckpt, { quantize: true });
    loading = false;
    await sampler;
    const seconds = (performance.now() - t0) / 1000;
    expect(ckpt.progress.bytesDone, 'every tensor byte went through the loader').toBe(ckpt.progress.bytesTotal);
    const f = (b: number): string => `${(b / MiB).toFixed(1)} MiB`;
    console.log(
      `[load heap] ${variant}: ${(fileBytes / 1e9).toFixed(2)} GB (largest tensor ${f(largest)}) loaded as q4 in ${seconds.toFixed(1)} s; ` +
        `live before ${f(before.heap + before.buffers)}; peak ${f(peak.total)} (V8 heap ${f(peak.heap)} + ArrayBuffers ${f(peak.buffers)}) over ${samples} samples`,
    );
    weights.destroy();
    expect(samples, 'too few samples to call it a peak').toBeGreaterThan(20);
    expect(peak.total, `peak live JS memory ${f(peak.total)} during the load`).toBeLessThan(LIMIT);
  });
});
