// The reference tooling's tiny checkpoints (written by transformers 4.51.1 in tools/reference) through the whole
// host-side path: config → ModelSpec, headers, index, canonical names, checklist, streaming. Every shard is then
// rebuilt from its header bytes plus every streamed tensor and must hash to the generator's recorded sha256,
// which proves every byte of every tensor came out exactly and nothing was skipped.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointTensors } from '../spec/tensors';
import { openCheckpoint } from './checkpoint';
import { BytesSource } from './source';

const ROOT = join(__dirname, '../../..');
interface FixtureIndex {
  sets: { name: string; kind: string; path: string }[];
}
interface FixtureManifest {
  files: Record<string, { sha256: string; bytes: number }>;
}

const index = JSON.parse(readFileSync(join(ROOT, 'tools/reference/fixtures/index.json'), 'utf8')) as FixtureIndex;
const checkpoints = index.sets.filter((s) => s.kind === 'checkpoint');

function folder(path: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(join(ROOT, path))) files[f] = new Uint8Array(readFileSync(join(ROOT, path, f)));
  return files;
}

describe('reference fixture checkpoints', () => {
  it('include the demo checkpoint and both naming/tying variants', () => {
    expect(checkpoints.map((c) => c.name).sort()).toEqual(['new-naming', 'tied-sharded', 'video-r2-tiny']);
  });

  it.each(checkpoints.map((c) => [c.name, c.path] as const))(
    '%s: opens, matches its spec, and streams every byte',
    async (_name, path) => {
      const files = folder(path);
      const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as FixtureManifest;
      const ckpt = await openCheckpoint(new BytesSource(files, path));
      const required = checkpointTensors(ckpt.spec);
      expect([...ckpt.tensors.keys()].sort()).toEqual(required.map((r) => r.name).sort());
      for (const r of required) expect(ckpt.tensor(r.name).shape).toEqual(r.shape);
      expect(ckpt.unused).toEqual([]);

      const rebuilt = new Map<string, Uint8Array>();
      for (const file of ckpt.files) {
        const size = files[file]!.byteLength;
        const n = Number(new DataView(files[file]!.buffer, files[file]!.byteOffset, 8).getBigUint64(0, true));
        const out = new Uint8Array(size);
        out.set(files[file]!.subarray(0, 8 + n));
        rebuilt.set(file, out);
      }
      for (const t of ckpt.tensors.values()) {
        let at = t.fileOffset;
        for await (const c of ckpt.stream(t.name, { maxChunkBytes: 64 * 1024 })) {
          rebuilt.get(t.file)!.set(c.bytes, at);
          at += c.bytes.byteLength;
        }
        expect(at).toBe(t.fileOffset + t.byteLength);
      }
      for (const [file, bytes] of rebuilt)
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.files[file]!.sha256);
      expect(ckpt.progress.bytesDone).toBe(ckpt.progress.bytesTotal);
    },
  );

  it('reads the layouts and tying the generator describes', async () => {
    const byName = Object.fromEntries(checkpoints.map((c) => [c.name, c.path]));
    const demo = await openCheckpoint(new BytesSource(folder(byName['video-r2-tiny']!)));
    expect([demo.layout, demo.spec.text.tieWordEmbeddings, demo.files]).toEqual([
      'legacy',
      false,
      ['model.safetensors'],
    ]);
    expect(demo.spec.tokens).toMatchObject({ videoPad: 151656, visionStart: 151652, eos: [151645, 151643] });
    expect(demo.spec.generation).toMatchObject({ repetitionPenalty: 1.05, topK: 1 });
    const nested = await openCheckpoint(new BytesSource(folder(byName['new-naming']!)));
    expect(nested.layout).toBe('nested');
    expect(nested.tensor('model.embed_tokens.weight').storedName).toBe('model.language_model.embed_tokens.weight');
    const tied = await openCheckpoint(new BytesSource(folder(byName['tied-sharded']!)));
    expect([tied.spec.text.tieWordEmbeddings, tied.tensors.has('lm_head.weight'), tied.files.length]).toEqual([
      true,
      false,
      4,
    ]);
  });
});
