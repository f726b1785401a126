import { describe, expect, it } from 'vitest';
import { tinyConfig } from '../../test-utils/test-configs';
import { openCheckpoint } from './checkpoint';
import { MissingFileError } from './errors';
import { FileListSource, relativePaths } from './local-source';
import { buildCheckpoint } from '../../test-utils/test-checkpoint';

/** A File as a folder picker returns it (webkitRelativePath = "<picked folder>/<path>"). */
function picked(path: string, data: Uint8Array | string): File {
  const f = new File([data as BlobPart], path.split('/').pop()!);
  Object.defineProperty(f, 'webkitRelativePath', { value: path });
  return f;
}

describe('local folder sources', () => {
  it('strips the picked folder name from webkitRelativePath, and keeps nested paths', () => {
    const files = [picked('Video-R2/config.json', '{}'), picked('Video-R2/sub/model.safetensors', 'x')];
    expect(relativePaths(files).map((f) => f.path)).toEqual(['config.json', 'sub/model.safetensors']);
    // Drag-and-drop of loose files: plain names.
    expect(relativePaths([new File(['{}'], 'config.json')]).map((f) => f.path)).toEqual(['config.json']);
  });

  it('opens a picked checkpoint folder and names missing files with the folder label', async () => {
    const built = buildCheckpoint(tinyConfig(), { shards: 2 });
    const files = Object.entries(built.files).map(([p, d]) => picked(`my-ckpt/${p}`, d));
    const src = new FileListSource(files, 'the folder my-ckpt');
    const ckpt = await openCheckpoint(src);
    expect(ckpt.files).toHaveLength(2);
    const chunks: Uint8Array[] = [];
    for await (const c of ckpt.stream('model.norm.weight')) chunks.push(c.bytes);
    expect(chunks[0]).toEqual(built.data.get('model.norm.weight')!.bytes);
    const without = new FileListSource(
      files.filter((f) => !f.name.startsWith('model-00002')),
      'the folder my-ckpt',
    );
    await expect(openCheckpoint(without)).rejects.toThrow(
      new MissingFileError('model-00002-of-00002.safetensors', 'the folder my-ckpt'),
    );
    await expect(src.readRange('config.json', 0, 10_000)).rejects.toThrow(
      /config\.json in the folder my-ckpt has \d+ bytes, but bytes up to 10000 are needed/,
    );
  });
});
