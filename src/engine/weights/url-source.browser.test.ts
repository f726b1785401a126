// The URL source against a real HTTP server (Vite's, which serves project files with Range support) in
// Chromium: byte-exact ranges, a whole sharded checkpoint opened and streamed, and the requests it made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { tinyConfig } from '../../test-utils/test-configs';
import { openCheckpoint } from './checkpoint';
import { MissingFileError } from './errors';
import { buildCheckpoint, type BuiltCheckpoint } from '../../test-utils/test-checkpoint';
import { UrlSource } from './url-source';

// commands.writeFile paths are relative to the project root; test-results/ is git-ignored scratch space.
const DIR = 'test-results/weights-range';
let built: BuiltCheckpoint;

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

beforeAll(async () => {
  built = buildCheckpoint(tinyConfig(), {
    shards: 3,
    layout: 'nested',
    dtypeOf: (n) => (n.endsWith('.bias') ? 'F32' : 'BF16'),
  });
  for (const [path, data] of Object.entries(built.files)) {
    if (typeof data === 'string') await commands.writeFile(`./${DIR}/${path}`, data);
    else await commands.writeFile(`./${DIR}/${path}`, base64(data), { encoding: 'base64' });
  }
});
afterAll(async () => {
  for (const path of Object.keys(built.files)) await commands.removeFile(`./${DIR}/${path}`);
});

/** fetch that records the Range header and status of every request. */
function recordingFetch(log: { range: string | null; status: number; contentRange: string | null }[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    log.push({
      range: new Headers(init?.headers).get('Range'),
      status: res.status,
      contentRange: res.headers.get('Content-Range'),
    });
    return res;
  };
}

describe('UrlSource over HTTP (Vite server, Chromium)', () => {
  // Vite serves files under the project root at their root-relative path, with Range support.
  const baseUrl = (): string => `${location.origin}/${DIR}/`;

  it('reads byte-exact ranges with 206 responses', async () => {
    const log: { range: string | null; status: number; contentRange: string | null }[] = [];
    const src = new UrlSource(baseUrl(), { fetch: recordingFetch(log) });
    const file = built.files['model-00002-of-00003.safetensors'] as Uint8Array;
    expect(await src.readRange('model-00002-of-00003.safetensors', 13, 1013)).toEqual(file.subarray(13, 1013));
    expect(log).toEqual([{ range: 'bytes=13-1012', status: 206, contentRange: `bytes 13-1012/${file.byteLength}` }]);
    expect(await src.knownSize('model-00002-of-00003.safetensors')).toBe(file.byteLength);
  });

  it('opens the sharded checkpoint and streams tensors identical to what was written', async () => {
    const log: { range: string | null; status: number; contentRange: string | null }[] = [];
    const ckpt = await openCheckpoint(new UrlSource(baseUrl(), { fetch: recordingFetch(log), concurrency: 2 }));
    expect(ckpt.layout).toBe('nested');
    expect(ckpt.files).toHaveLength(3);
    expect(
      log.filter((r) => r.range).findIndex((r) => r.status !== 206),
      'first index where it fails',
    ).toBe(-1);
    for (const name of ['model.embed_tokens.weight', 'visual.blocks.1.attn.qkv.bias', 'lm_head.weight']) {
      const parts: Uint8Array[] = [];
      for await (const c of ckpt.stream(name, { maxChunkBytes: 2048 })) parts.push(c.bytes);
      const got = new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer());
      expect(got).toEqual(built.data.get(name)!.bytes);
    }
    expect(ckpt.tensor('visual.blocks.1.attn.qkv.bias').dtype).toBe('F32');
  });

  it('names a missing file, also behind an SPA fallback that answers 200 with index.html', async () => {
    const src = new UrlSource(baseUrl());
    expect(await src.readTextOptional('generation_config.json')).toBeNull();
    await expect(src.readRange('model-00009-of-00009.safetensors', 0, 8)).rejects.toThrow(MissingFileError);
  });
});
