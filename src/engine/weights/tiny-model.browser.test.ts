// The app's demo checkpoint (public/models/video-r2-tiny, served at /models/video-r2-tiny/) through the full
// browser path: HTTP Range reads → headers/checklist → every tensor streamed to the GPU in its checkpoint dtype →
// read back; then into the OPFS cache and out again in a fresh cache instance (the "second visit", no network).
// Both times the model file is rebuilt from what came back from the GPU and must hash to the sha256 the
// reference generator recorded.
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { readBuffer } from '../gpu/tensor';
import { checkpointTensors } from '../spec/tensors';
import { WeightCache } from './cache/weight-cache';
import { openCheckpoint, type Checkpoint } from './checkpoint';
import { uploadDenseParts, type DenseWeight } from './upload';
import { UrlSource } from './url-source';

const BASE = '/models/video-r2-tiny/';
const rootName = `tiny-model-test-${Date.now()}`;
afterAll(async () => {
  await (await navigator.storage.getDirectory()).removeEntry(rootName, { recursive: true }).catch(() => undefined);
});

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** model.safetensors rebuilt from its header and, per tensor, the bytes `bytesOf` returns. */
async function rebuild(ckpt: Checkpoint, bytesOf: (name: string) => Promise<Uint8Array>): Promise<Uint8Array> {
  const file = ckpt.files[0]!;
  const size = (await ckpt.source.knownSize(file))!;
  const prefix = await ckpt.source.readRange(file, 0, 8);
  const n = Number(new DataView(prefix.buffer).getBigUint64(0, true));
  const out = new Uint8Array(size);
  out.set(await ckpt.source.readRange(file, 0, 8 + n));
  for (const t of ckpt.tensors.values()) out.set(await bytesOf(t.name), t.fileOffset);
  return out;
}

describe('demo checkpoint /models/video-r2-tiny/ in Chromium', () => {
  it('loads every tensor to the GPU over HTTP, caches it in OPFS, and reads it back without the network', async () => {
    const ctx = await testGpu();
    const manifest = (await (await fetch(`${BASE}manifest.json`)).json()) as {
      files: Record<string, { sha256: string }>;
    };
    const source = new UrlSource(BASE, { concurrency: 3 });
    const ckpt = await openCheckpoint(source);
    const required = checkpointTensors(ckpt.spec);
    expect([...ckpt.tensors.keys()].sort()).toEqual(required.map((r) => r.name).sort());
    let progressEvents = 0;
    ckpt.progress.subscribe(() => progressEvents++);

    // Every tensor, dense (the unquantized mode), split into parts for the larger ones to exercise the splits.
    const weights = new Map<string, DenseWeight>();
    for (const r of required)
      weights.set(
        r.name,
        await uploadDenseParts(ctx, ckpt, r.name, { maxChunkBytes: 256 * 1024, maxPartBytes: 4 * 1024 * 1024 }),
      );
    expect(ckpt.progress.bytesDone).toBe(ckpt.progress.bytesTotal);
    expect(progressEvents).toBeGreaterThan(required.length);
    expect(weights.get('model.embed_tokens.weight')!.parts.length).toBe(3); // 151936 × 32 bf16 = 9.7 MB

    const fromGpu = async (w: DenseWeight): Promise<Uint8Array> => {
      const t = ckpt.tensor(w.name);
      const out = new Uint8Array(t.byteLength);
      const rowBytes = t.byteLength / (t.shape[0] ?? 1);
      for (const p of w.parts)
        out.set(
          new Uint8Array(await readBuffer(ctx, p.tensor.buffer, 0, Math.ceil((p.rows * rowBytes) / 4) * 4)).subarray(
            0,
            p.rows * rowBytes,
          ),
          p.row0 * rowBytes,
        );
      return out;
    };
    expect(await sha256(await rebuild(ckpt, (n) => fromGpu(weights.get(n)!)))).toBe(
      manifest.files['model.safetensors']!.sha256,
    );

    // Cache everything (GPU readback → OPFS blobs), plus the config files.
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(rootName, { create: true });
    const cache = await WeightCache.open({ root });
    const id = { modelId: 'video-r2-tiny', revision: 'test', quantization: null };
    const writer = await cache.beginWrite(id, ckpt.progress.bytesTotal, {
      ctx,
      maxChunkBytes: 1024 * 1024,
      source: { label: source.label, validators: {} },
    });
    for (const [path, text] of Object.entries(ckpt.configTexts)) if (text !== null) await writer.putFile(path, text);
    for (const w of weights.values()) {
      await writer.putTensor({
        name: w.name,
        format: w.dtype,
        shape: [...w.shape],
        parts: w.parts.map((p) => ({
          row0: p.row0,
          rows: p.rows,
          buffers: [{ role: 'data', dtype: p.tensor.dtype, shape: [...p.tensor.shape], buffer: p.tensor.buffer }],
        })),
      });
      for (const p of w.parts) p.tensor.buffer.destroy();
    }
    await writer.commit();

    // Second visit: a fresh cache object, no UrlSource; the spec comes from the cached config files.
    const cached = (await (await WeightCache.open({ root })).openModel(id))!;
    expect(cached).not.toBeNull();
    expect(await cached.spec()).toEqual(ckpt.spec);
    const fromCache = async (name: string): Promise<Uint8Array> => {
      const loaded = await cached.loadTensor(ctx, name);
      const t = ckpt.tensor(name);
      const rowBytes = t.byteLength / (t.shape[0] ?? 1);
      const out = new Uint8Array(t.byteLength);
      for (const p of loaded.parts) {
        out.set(
          new Uint8Array(await readBuffer(ctx, p.buffers.data!.buffer)).subarray(0, p.rows * rowBytes),
          p.row0 * rowBytes,
        );
        p.buffers.data!.buffer.destroy();
      }
      return out;
    };
    expect(await sha256(await rebuild(ckpt, fromCache))).toBe(manifest.files['model.safetensors']!.sha256);
    expect(cached.progress.bytesDone).toBe(cached.progress.bytesTotal);
    expect(ctx.errors).toEqual([]);
  });
});
