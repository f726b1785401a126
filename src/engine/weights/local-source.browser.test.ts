// A checkpoint folder behind a FileSystemDirectoryHandle (what showDirectoryPicker returns; an OPFS directory
// is the same interface and needs no user gesture), including a shard in a subfolder.
import { afterAll, describe, expect, it } from 'vitest';
import { tinyConfig } from '../../test-utils/test-configs';
import { openCheckpoint } from './checkpoint';
import { MissingFileError } from './errors';
import { DirectoryHandleSource } from './local-source';
import { buildCheckpoint } from '../../test-utils/test-checkpoint';

const rootName = `local-source-test-${Date.now()}`;
afterAll(async () => {
  await (await navigator.storage.getDirectory()).removeEntry(rootName, { recursive: true });
});

async function write(dir: FileSystemDirectoryHandle, path: string, data: Uint8Array | string): Promise<void> {
  const parts = path.split('/');
  const name = parts.pop()!;
  for (const p of parts) dir = await dir.getDirectoryHandle(p, { create: true });
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await w.write(data as string | Uint8Array<ArrayBuffer>);
  await w.close();
}

describe('DirectoryHandleSource', () => {
  it('opens a sharded checkpoint from a directory handle and streams it', async () => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(rootName, { create: true });
    const built = buildCheckpoint(tinyConfig(), { shards: 2, layout: 'nested' });
    const index = JSON.parse(built.files['model.safetensors.index.json'] as string) as {
      weight_map: Record<string, string>;
    };
    for (const k of Object.keys(index.weight_map))
      if (index.weight_map[k] === 'model-00002-of-00002.safetensors')
        index.weight_map[k] = 'shards/model-00002-of-00002.safetensors';
    for (const [path, data] of Object.entries(built.files)) {
      if (path === 'model.safetensors.index.json') await write(root, path, JSON.stringify(index));
      else await write(root, path === 'model-00002-of-00002.safetensors' ? `shards/${path}` : path, data);
    }
    const src = new DirectoryHandleSource(root);
    expect(src.label).toBe(`local folder ${rootName}`);
    const ckpt = await openCheckpoint(src);
    expect(ckpt.files).toEqual(['model-00001-of-00002.safetensors', 'shards/model-00002-of-00002.safetensors']);
    const name = 'model.layers.1.self_attn.o_proj.weight';
    const parts: Uint8Array[] = [];
    for await (const c of ckpt.stream(name, { maxChunkBytes: 1024 })) parts.push(c.bytes);
    expect(new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer())).toEqual(
      built.data.get(name)!.bytes,
    );
    await expect(src.readText('tokenizer.json')).rejects.toThrow(
      new MissingFileError('tokenizer.json', `local folder ${rootName}`),
    );
    expect(await src.readTextOptional('shards/nothing.json')).toBeNull();
  });
});
