// npm run quantize-folder's q8 output on the tiny checkpoint (its q4 output is compared byte for byte with the
// browser's export in e2e/cache-manager.spec.ts): a finished v2 entry whose q8 parts hold the reference's codes and
// scales, whose checksums match the part files, and which the app's quantized-folder checks accept.
import { createHash } from 'node:crypto';
import { mkdtempSync, openAsBlob, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/engine/weights/checkpoint';
import type { CacheManifest } from '../../src/engine/weights/cache/manifest';
import { openQuantizedFolder } from '../../src/engine/weights/export/quantized-folder';
import { Q8_SCHEME } from '../../src/engine/weights/q8-scheme';
import { quantizeRef } from '../../src/test-utils/cpu/linalg';
import { writeQuantizedFolder } from './host-quantizer';
import { main, NodeFolderSource } from './main';
import { nodeDirectory } from './node-directory';

const TINY = join(__dirname, '../../public/models/video-r2-tiny');
const work = mkdtempSync(join(tmpdir(), 'vr2-quantize-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)],
  );
}

describe('npm run quantize-folder', () => {
  it('--quantization q8: a finished v2 entry of q8 parts with the reference codes and matching checksums', async () => {
    const ckpt = await openCheckpoint(new NodeFolderSource(TINY));
    const key = await writeQuantizedFolder(ckpt, await nodeDirectory(work), {
      modelId: 'test-org/tiny-vl',
      revision: 'main',
      quantization: 'q8',
      sourceLabel: 'tiny',
    });
    expect(key).toContain('~q8_0-sym-g32-f16~');
    const dir = join(work, key);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CacheManifest;
    expect([m.version, m.quantization, typeof m.completedAt]).toEqual([2, Q8_SCHEME, 'string']);
    const onDisk = filesUnder(dir).map((p) => relative(dir, p));
    expect(onDisk, 'finished: no pending.json, no swap file').not.toContain('pending.json');
    expect(onDisk.filter((p) => p.endsWith('.crswap'))).toEqual([]);

    const q8 = Object.values(m.tensors).filter((t) => t.format === 'q8');
    expect(q8.map((t) => t.name)).toContain('model.embed_tokens');
    for (const t of Object.values(m.tensors)) {
      for (const p of t.parts) {
        const file = readFileSync(join(dir, p.buffers[0]!.blob));
        for (const b of p.buffers) {
          const slices: string[] = [];
          for (let o = 0; o < b.bytes; o += m.checksumSliceBytes)
            slices.push(
              createHash('sha256')
                .update(file.subarray(b.offset + o, b.offset + Math.min(b.bytes, o + m.checksumSliceBytes)))
                .digest('hex'),
            );
          expect(slices, `${t.name} rows ${p.row0}: ${b.role} checksums`).toEqual(b.sha256);
        }
        if (t.format === 'q8') {
          const cols = t.shape[1]!;
          expect(p.buffers.map((b) => [b.role, b.dtype, b.bytes, b.shape])).toEqual([
            ['qweight', 'u32', p.rows * cols, [p.rows, cols / 4]],
            ['scales', 'f16', (p.rows * cols) / 16, [(p.rows * cols) / 32]],
          ]);
        }
      }
    }

    // The codes and scales of embed_tokens are the f64 reference's (the GPU quantizer is tested against it too).
    const embed = m.tensors['model.embed_tokens']!;
    const [rows, cols] = embed.shape as [number, number];
    const w = new Float32Array(rows * cols);
    for await (const c of ckpt.stream('model.embed_tokens.weight')) {
      const u16 = new Uint16Array(c.bytes.buffer, c.bytes.byteOffset, c.rows * cols);
      const u32 = new Uint32Array(w.buffer, c.rowStart * cols * 4, c.rows * cols);
      for (let i = 0; i < u16.length; i++) u32[i] = u16[i]! << 16; // bf16 → f32
    }
    const ref = quantizeRef('q8', w, rows, cols);
    const codes = Buffer.concat(
      embed.parts.map((p) => {
        const b = p.buffers[0]!;
        return readFileSync(join(dir, b.blob)).subarray(b.offset, b.offset + b.bytes);
      }),
    );
    const scales = Buffer.concat(
      embed.parts.map((p) => {
        const b = p.buffers[1]!;
        return readFileSync(join(dir, b.blob)).subarray(b.offset, b.offset + b.bytes);
      }),
    );
    expect(codes.equals(Buffer.from(ref.qweight.buffer)), 'q8 codes').toBe(true);
    expect(scales.equals(Buffer.from(ref.scales.buffer)), 'f16 scales').toBe(true);

    // The app's import checks accept the folder as it is on disk.
    const files = await Promise.all(
      onDisk.map(async (p) => ({ path: p, file: new File([await openAsBlob(join(dir, p))], p) })),
    );
    const folder = await openQuantizedFolder(files, 'the q8 folder');
    expect(folder.manifest.quantization?.id).toBe(Q8_SCHEME.id);
    expect(JSON.parse(await folder.readFileText('config.json'))).toEqual(
      JSON.parse(readFileSync(join(TINY, 'config.json'), 'utf8')),
    );
  });

  it('refuses a scheme it cannot write, and a folder with a missing part', async () => {
    const errors: string[] = [];
    const spy = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(await main([TINY, work, '--quantization', 'q2'])).toBe(2);
    } finally {
      console.error = spy;
    }
    expect(errors[0]).toMatch(/--quantization q2: must be q4 or q8/);
    const key = readdirSync(work).find((k) => k.includes('~q8_0'))!;
    const dir = join(work, key);
    const onDisk = filesUnder(dir)
      .map((p) => relative(dir, p))
      .filter((p) => p !== 'model.embed_tokens@0.bin');
    const files = await Promise.all(
      onDisk.map(async (p) => ({ path: p, file: new File([await openAsBlob(join(dir, p))], p) })),
    );
    await expect(openQuantizedFolder(files, 'the q8 folder')).rejects.toThrow(
      /the q8 folder is incomplete: model\.embed_tokens@0\.bin \(holding model\.embed_tokens\) is missing/,
    );
  });
});
