import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../../test-utils/gpu';
import { readBuffer } from '../../gpu/tensor';
import { StorageQuotaError } from '../errors';
import { Q4_SCHEME } from '../q4-scheme';
import { seededBytes } from '../../../test-utils/test-checkpoint';
import { cacheKey, CACHE_DIR } from './manifest';
import { WeightCache } from './weight-cache';

const testRootName = `weights-cache-test-${Date.now()}`;
async function testRoot(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(testRootName, { create: true });
}
afterAll(async () => {
  await (await navigator.storage.getDirectory()).removeEntry(testRootName, { recursive: true });
});

function gpuBufferWith(device: GPUDevice, label: string, bytes: Uint8Array): GPUBuffer {
  const b = device.createBuffer({
    label,
    size: bytes.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(b, 0, bytes as Uint8Array<ArrayBuffer>);
  return b;
}

const id = { modelId: 'MBZUAI/Video-R2', revision: 'main', quantization: Q4_SCHEME };

describe('WeightCache (OPFS)', () => {
  it('writes a model as it is produced and reads it back in a fresh instance, bit-exactly', async () => {
    const ctx = await testGpu();
    const root = await testRoot();
    const cache = await WeightCache.open({ root });
    // Two q4 row chunks (qweight + scales) and one dense bf16 tensor; small blobs force several blob files.
    const q0 = seededBytes(40 * 32, 1),
      s0 = seededBytes(40 * 4, 2),
      q1 = seededBytes(24 * 32, 3),
      s1 = seededBytes(24 * 4, 4);
    const dense = seededBytes(64 * 2, 5);
    const w = await cache.beginWrite(id, 10_000, {
      ctx,
      maxChunkBytes: 256,
      source: { label: 'https://hf.test/', validators: { 'model.safetensors': { etag: '"abc"', size: 123 } } },
    });
    await w.putFile('config.json', '{"hidden_size": 64}');
    await w.putFile('tokenizer/tokenizer.json', new Uint8Array([1, 2, 3]));
    await w.putTensor({
      name: 'model.layers.0.mlp.up_proj.weight',
      format: 'q4',
      shape: [64, 64],
      parts: [
        {
          row0: 0,
          rows: 40,
          buffers: [
            { role: 'qweight', dtype: 'u32', shape: [40, 8], buffer: gpuBufferWith(ctx.device, 'q0', q0) },
            { role: 'scales', dtype: 'f16', shape: [80], buffer: gpuBufferWith(ctx.device, 's0', s0) },
          ],
        },
        {
          row0: 40,
          rows: 24,
          buffers: [
            { role: 'qweight', dtype: 'u32', shape: [24, 8], buffer: gpuBufferWith(ctx.device, 'q1', q1) },
            { role: 'scales', dtype: 'f16', shape: [48], bytes: s1 },
          ],
        },
      ],
    });
    await w.putTensor({
      name: 'model.norm.weight',
      format: 'bf16',
      shape: [64],
      parts: [
        {
          row0: 0,
          rows: 64,
          buffers: [{ role: 'data', dtype: 'bf16', shape: [64], buffer: gpuBufferWith(ctx.device, 'd', dense) }],
        },
      ],
    });
    // Not served before commit.
    expect(await cache.openModel(id)).toBeNull();
    expect((await cache.list()).map((e) => e.status)).toEqual(['pending']);
    const manifest = await w.commit();
    expect(manifest.blobs.length).toBeGreaterThan(1);
    expect(manifest.quantization).toEqual(Q4_SCHEME);
    expect(manifest.totalBytes).toBe(
      q0.byteLength + s0.byteLength + q1.byteLength + s1.byteLength + dense.byteLength + 19 + 3,
    );

    const again = await WeightCache.open({ root });
    const [info] = await again.list();
    expect(info).toMatchObject({
      key: cacheKey(id),
      modelId: 'MBZUAI/Video-R2',
      revision: 'main',
      quantization: Q4_SCHEME.id,
      status: 'complete',
      problem: null,
    });
    expect(info!.bytes).toBeGreaterThanOrEqual(manifest.totalBytes);
    const model = (await again.openModel(id))!;
    expect(model).not.toBeNull();
    expect(model.manifest.source.validators['model.safetensors']).toEqual({ etag: '"abc"', size: 123 });
    expect(await model.readFileText('config.json')).toBe('{"hidden_size": 64}');
    expect(await model.files.readTextOptional('generation_config.json')).toBeNull();
    expect(new Uint8Array(await model.files.readRange('tokenizer/tokenizer.json', 0, 3))).toEqual(
      new Uint8Array([1, 2, 3]),
    );

    const up = await model.loadTensor(ctx, 'model.layers.0.mlp.up_proj.weight');
    expect(up.parts.map((p) => [p.row0, p.rows])).toEqual([
      [0, 40],
      [40, 24],
    ]);
    expect(up.parts[1]!.buffers.qweight!.label).toBe('model.layers.0.mlp.up_proj.weight.chunk1.qweight');
    const read = async (t: { buffer: GPUBuffer }) => new Uint8Array(await readBuffer(ctx, t.buffer));
    expect(await read(up.parts[0]!.buffers.qweight!)).toEqual(q0);
    expect(await read(up.parts[0]!.buffers.scales!)).toEqual(s0);
    expect(await read(up.parts[1]!.buffers.qweight!)).toEqual(q1);
    expect(await read(up.parts[1]!.buffers.scales!)).toEqual(s1);
    const norm = await model.loadTensor(ctx, 'model.norm.weight');
    expect(norm.parts[0]!.buffers.data).toMatchObject({ dtype: 'bf16', shape: [64], label: 'model.norm.weight.data' });
    expect(await read(norm.parts[0]!.buffers.data!)).toEqual(dense);
    expect(model.progress.bytesDone).toBe(model.progress.bytesTotal);
    // Another revision or scheme is a different entry.
    expect(await again.openModel({ ...id, revision: 'abc123' })).toBeNull();
    expect(await again.openModel({ ...id, quantization: null })).toBeNull();

    await again.delete(cacheKey(id));
    expect(await again.list()).toEqual([]);
    expect(ctx.errors).toEqual([]);
  });

  it('refuses to start when navigator.storage.estimate shows too little room', async () => {
    const root = await testRoot();
    const cache = await WeightCache.open({ root, storage: { estimate: async () => ({ usage: 9e9, quota: 1e10 }) } });
    const err = await cache.beginWrite(id, 5.64e9).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(String(err)).toMatch(
      /Caching the model needs 5\.64 GB of browser storage, but this site may use 1\.00 GB more/,
    );
    expect(await cache.list()).toEqual([]);
  });

  it('lists an interrupted write as pending, never serves it, and deletes it', async () => {
    const root = await testRoot();
    const cache = await WeightCache.open({ root, storage: null });
    const w = await cache.beginWrite(id, 100);
    await w.putTensor({
      name: 'x',
      format: 'f32',
      shape: [4],
      parts: [{ row0: 0, rows: 4, buffers: [{ role: 'data', dtype: 'f32', shape: [4], bytes: new Uint8Array(16) }] }],
    });
    // The page "closes" here: no commit.
    const [info] = await cache.list();
    expect(info).toMatchObject({
      status: 'pending',
      modelId: 'MBZUAI/Video-R2',
      problem: 'not finished (interrupted, or still being written)',
    });
    expect(await cache.openModel(id)).toBeNull();
    // A new write of the same model replaces it.
    const w2 = await cache.beginWrite(id, 100);
    await w2.abort();
    expect(await cache.list()).toEqual([]);
  });

  it('ignores a manifest written under another q4 scheme', async () => {
    const root = await testRoot();
    const cache = await WeightCache.open({ root, storage: null });
    const w = await cache.beginWrite(id, 100);
    await w.commit();
    const dir = await (await root.getDirectoryHandle(CACHE_DIR)).getDirectoryHandle(cacheKey(id));
    const file = await (await dir.getFileHandle('manifest.json')).getFile();
    const m = JSON.parse(await file.text()) as { quantization: { groupSize: number } };
    m.quantization.groupSize = 128;
    const wr = await (await dir.getFileHandle('manifest.json')).createWritable();
    await wr.write(JSON.stringify(m));
    await wr.close();
    expect(await cache.openModel(id)).toBeNull();
    expect((await cache.list())[0]).toMatchObject({
      status: 'unusable',
      problem: 'written with another quantization scheme (q4_0-sym-g32-f16)',
    });
    await cache.delete(cacheKey(id));
  });

  it('resumes a pending entry with its parts, and detects a corrupted or truncated part by its checksum', async () => {
    const root = await testRoot();
    const cache = await WeightCache.open({ root, storage: null });
    const a = seededBytes(64, 7);
    const b = seededBytes(64, 8);
    const w = await cache.beginWrite(id, 1000, { maxChunkBytes: 16 });
    const meta = { name: 'x', format: 'f32' as const, shape: [32], sources: ['x.weight'] };
    await w.putPart(meta, { row0: 0, rows: 16, buffers: [{ role: 'data', dtype: 'f32', shape: [16], bytes: a }] });
    // The page closes: no commit. The next load finds the part and continues the entry.
    const found = await cache.find(id);
    expect(found.state).toBe('pending');
    expect(found.model!.manifest.tensors.x!.parts[0]!.buffers[0]!.sha256, 'one SHA-256 per 16-byte slice').toHaveLength(
      4,
    );
    const w2 = await cache.resumeWrite(id, 1000);
    expect(w2.tensor('x')?.sources).toEqual(['x.weight']);
    await w2.putPart(meta, { row0: 16, rows: 16, buffers: [{ role: 'data', dtype: 'f32', shape: [16], bytes: b }] });
    await w2.commit();
    const model = (await cache.openModel(id))!;
    const entry = model.entry('x');
    expect(entry.parts.map((p) => [p.row0, p.rows])).toEqual([
      [0, 16],
      [16, 16],
    ]);

    const ctx = await testGpu();
    const buf = ctx.device.createBuffer({
      size: 64,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    const into = { data: [{ buffer: buf, offset: 0, bytes: 64 }] };
    expect(await model.readPart(ctx, entry.parts[1]!, into)).toBeNull();
    expect(new Uint8Array(await readBuffer(ctx, buf))).toEqual(b);

    const dir = await (await root.getDirectoryHandle(CACHE_DIR)).getDirectoryHandle(cacheKey(id));
    const file = await dir.getFileHandle(entry.parts[1]!.buffers[0]!.blob);
    const wr = await file.createWritable({ keepExistingData: true });
    await wr.write({ type: 'write', position: 40, data: new Uint8Array([b[40]! ^ 0xff]) });
    await wr.close();
    expect(await model.readPart(ctx, entry.parts[1]!, into)).toMatch(/is corrupted \(data bytes 32… do not match/);
    expect(await model.readPart(ctx, entry.parts[0]!, into), 'the other part is untouched').toBeNull();
    const tr = await file.createWritable({ keepExistingData: true });
    await tr.truncate(10);
    await tr.close();
    expect(await model.readPart(ctx, entry.parts[1]!, into)).toMatch(/is truncated \(10 bytes, needs 64\)/);
    buf.destroy();
    expect(ctx.errors).toEqual([]);

    // A cache of the previous format (version 1) is recognised, and the next write rebuilds it.
    const m = JSON.parse(await (await (await dir.getFileHandle('manifest.json')).getFile()).text()) as {
      version: number;
    };
    m.version = 1;
    const mw = await (await dir.getFileHandle('manifest.json')).createWritable();
    await mw.write(JSON.stringify(m));
    await mw.close();
    expect(await cache.find(id)).toMatchObject({
      state: 'unusable',
      problem: 'cache format version 1, this app reads version 2',
    });
    const fresh = await cache.resumeWrite(id, 1000);
    expect(fresh.tensor('x'), 'nothing of the old entry is reused').toBeNull();
    await fresh.abort();
  });
});
