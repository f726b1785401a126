import { describe, expect, it } from 'vitest';
import { tinyConfig } from '../../test-utils/test-configs';
import { openCheckpoint } from './checkpoint';
import { CheckpointError, MissingFileError } from './errors';
import { BytesSource } from './source';
import { buildCheckpoint } from '../../test-utils/test-checkpoint';
import type { TensorChunk } from './tensor-stream';

async function collect(it: AsyncIterable<TensorChunk>): Promise<TensorChunk[]> {
  const out: TensorChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

const concat = (chunks: TensorChunk[]): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.bytes.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c.bytes, at);
    at += c.bytes.byteLength;
  }
  return out;
};

describe('openCheckpoint', () => {
  it('reads a single-file legacy-layout checkpoint and streams every tensor byte-exactly', async () => {
    const built = buildCheckpoint(tinyConfig());
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    expect(ckpt.layout).toBe('legacy');
    expect(ckpt.files).toEqual(['model.safetensors']);
    expect(ckpt.unused).toEqual([]);
    expect(ckpt.tensors.size).toBe(built.data.size);
    for (const [name, d] of built.data) {
      const chunks = await collect(ckpt.stream(name, { maxChunkBytes: 3000 }));
      expect(concat(chunks)).toEqual(d.bytes);
    }
    expect(ckpt.progress.bytesDone).toBe(ckpt.progress.bytesTotal);
    expect(ckpt.progress.bytesTotal).toBe([...built.data.values()].reduce((a, d) => a + d.bytes.byteLength, 0));
  });

  it('reads a sharded nested-layout checkpoint through its index, with canonical names', async () => {
    const built = buildCheckpoint(tinyConfig(), { layout: 'nested', shards: 3 });
    const src = new BytesSource(built.files);
    const ckpt = await openCheckpoint(src);
    expect(ckpt.layout).toBe('nested');
    expect(ckpt.files).toHaveLength(3);
    const t = ckpt.tensor('model.layers.1.mlp.down_proj.weight');
    expect(t.storedName).toBe('model.language_model.layers.1.mlp.down_proj.weight');
    expect(ckpt.tensor('visual.merger.mlp.0.weight').storedName).toBe('model.visual.merger.mlp.0.weight');
    expect(ckpt.tensor('lm_head.weight').storedName).toBe('lm_head.weight');
    for (const name of ['model.embed_tokens.weight', 'visual.patch_embed.proj.weight', 'model.norm.weight']) {
      expect(concat(await collect(ckpt.stream(name, { maxChunkBytes: 5000 })))).toEqual(built.data.get(name)!.bytes);
    }
  });

  it('chunks at row boundaries with the row geometry of the tensor', async () => {
    const built = buildCheckpoint(tinyConfig());
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    const chunks = await collect(ckpt.stream('model.layers.0.mlp.gate_proj.weight', { maxChunkBytes: 1000 })); // [96, 64] bf16: 128 B rows
    expect(chunks.map((c) => [c.rowStart, c.rows])).toEqual(
      [...Array(14).keys()].map((i) => [i * 7, Math.min(7, 96 - i * 7)]),
    );
    expect(
      chunks.findIndex(
        (c) =>
          !(c.totalRows === 96 && c.rowElements === 64 && c.dtype === 'BF16' && c.bytes.byteLength === c.rows * 128),
      ),
      'first index where it fails',
    ).toBe(-1);
    const conv = await collect(ckpt.stream('visual.patch_embed.proj.weight', { maxChunkBytes: 4 * 2352 }));
    expect(conv[0]).toMatchObject({
      rowStart: 0,
      rows: 4,
      totalRows: 32,
      rowElements: 1176,
      shape: [32, 3, 2, 14, 14],
    });
  });

  it('keeps F32 tensors F32 and streams them', async () => {
    const built = buildCheckpoint(tinyConfig(), {
      dtypeOf: (n) => (n.endsWith('.bias') || n.includes('norm') ? 'F32' : n.startsWith('visual.') ? 'F16' : 'BF16'),
    });
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    expect(ckpt.tensor('visual.blocks.0.attn.qkv.bias')).toMatchObject({ dtype: 'F32', byteLength: 96 * 4 });
    expect(ckpt.tensor('visual.blocks.0.attn.qkv.weight').dtype).toBe('F16');
    const chunks = await collect(ckpt.stream('model.layers.0.self_attn.q_proj.bias', { maxChunkBytes: 40 }));
    expect(chunks.map((c) => c.rows)).toEqual([10, 10, 10, 10, 10, 10, 4]);
    expect(concat(chunks)).toEqual(built.data.get('model.layers.0.self_attn.q_proj.bias')!.bytes);
  });

  it('uses embed_tokens for tied embeddings (no lm_head needed)', async () => {
    const built = buildCheckpoint(tinyConfig({ tie: true }));
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    expect([...ckpt.tensors.keys()]).not.toContain('lm_head.weight');
    expect(ckpt.spec.text.tieWordEmbeddings, 'no lm_head.weight: the embeddings are tied').toBe(true);
  });

  it('lists every missing tensor and wrong shape at once', async () => {
    const built = buildCheckpoint(tinyConfig(), {
      omit: ['lm_head.weight', 'visual.blocks.1.norm2.weight', 'model.layers.1.self_attn.k_proj.bias'],
      extra: [
        { name: 'model.layers.0.self_attn.rotary_emb.inv_freq', dtype: 'F32', shape: [8], data: new Uint8Array(32) },
      ],
    });
    // Wrong shape: rebuild the config with a different vision intermediate size but keep the tensors.
    const cfg = tinyConfig();
    (cfg.vision_config as Record<string, unknown>).intermediate_size = 40;
    built.files['config.json'] = JSON.stringify(cfg);
    const err = await openCheckpoint(new BytesSource(built.files)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/lm_head\.weight is missing, and config\.json has tie_word_embeddings false/);
    expect(msg).toMatch(/visual\.blocks\.1\.norm2\.weight is missing/);
    expect(msg).toMatch(/model\.layers\.1\.self_attn\.k_proj\.bias is missing/);
    expect(msg).toMatch(
      /visual\.blocks\.0\.mlp\.gate_proj\.weight \(model\.safetensors\) has shape \[48, 32\], the config needs \[40, 32\]/,
    );
    expect((err as CheckpointError).problems.length).toBe(3 + 2 * 5); // 3 missing + gate/up weight+bias and down weight per block
  });

  it('reports unused tensors without failing', async () => {
    const built = buildCheckpoint(tinyConfig(), {
      extra: [
        { name: 'model.layers.0.self_attn.rotary_emb.inv_freq', dtype: 'F32', shape: [8], data: new Uint8Array(32) },
      ],
    });
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    expect(ckpt.unused).toEqual(['model.layers.0.self_attn.rotary_emb.inv_freq']);
  });

  it('rejects a tensor present under both layouts', async () => {
    const built = buildCheckpoint(tinyConfig(), {
      extra: [{ name: 'model.language_model.norm.weight', dtype: 'BF16', shape: [64], data: new Uint8Array(128) }],
    });
    await expect(openCheckpoint(new BytesSource(built.files))).rejects.toThrow(
      /model\.norm\.weight appears twice: as model\.norm\.weight in model\.safetensors and as model\.language_model\.norm\.weight/,
    );
  });

  it('checks the index against the shards', async () => {
    const built = buildCheckpoint(tinyConfig(), { shards: 2 });
    const index = JSON.parse(built.files['model.safetensors.index.json'] as string) as {
      weight_map: Record<string, string>;
    };
    index.weight_map['model.norm.weight'] = 'model-00001-of-00002.safetensors';
    index.weight_map['model.ghost.weight'] = 'model-00002-of-00002.safetensors';
    built.files['model.safetensors.index.json'] = JSON.stringify(index);
    const msg = String(await openCheckpoint(new BytesSource(built.files)).catch((e: unknown) => e));
    expect(msg).toMatch(
      /model\.norm\.weight is in model-00002-of-00002\.safetensors, but model\.safetensors\.index\.json places it in model-00001-of-00002\.safetensors/,
    );
    expect(msg).toMatch(
      /lists model\.ghost\.weight in model-00002-of-00002\.safetensors, but that file has no such tensor/,
    );
  });

  it('names missing files', async () => {
    const built = buildCheckpoint(tinyConfig(), { shards: 2 });
    const files = { ...built.files };
    delete files['model-00002-of-00002.safetensors'];
    await expect(openCheckpoint(new BytesSource(files, 'the test folder'))).rejects.toThrow(
      new MissingFileError('model-00002-of-00002.safetensors', 'the test folder'),
    );
    await expect(
      openCheckpoint(new BytesSource({ 'config.json': built.files['config.json']! }, 'dir')),
    ).rejects.toThrow(/model\.safetensors\.index\.json or model\.safetensors is missing from dir/);
    await expect(openCheckpoint(new BytesSource({}, 'dir'))).rejects.toThrow(/config\.json is missing from dir/);
  });

  it('detects a truncated shard from its size', async () => {
    const built = buildCheckpoint(tinyConfig());
    const file = built.files['model.safetensors'] as Uint8Array;
    await expect(
      openCheckpoint(new BytesSource({ ...built.files, 'model.safetensors': file.subarray(0, file.byteLength - 10) })),
    ).rejects.toThrow(
      /model\.safetensors: the header describes \d+ bytes, but the file has only \d+ bytes \(truncated\?\)/,
    );
  });

  it('bounds read-ahead: at most 1 + prefetch chunks are read before the consumer asks', async () => {
    const built = buildCheckpoint(tinyConfig());
    const src = new BytesSource(built.files);
    const ckpt = await openCheckpoint(src);
    let reads = 0;
    const orig = src.readRange.bind(src);
    src.readRange = (...a) => {
      reads++;
      return orig(...a);
    };
    for (const prefetch of [0, 2]) {
      reads = 0;
      const it = ckpt.stream('model.embed_tokens.weight', { maxChunkBytes: 128, prefetch })[Symbol.asyncIterator]();
      await it.next();
      await new Promise((r) => setTimeout(r, 10));
      expect(reads).toBe(1 + prefetch);
      await it.return(undefined);
    }
  });
});
