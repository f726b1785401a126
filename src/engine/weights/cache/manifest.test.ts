// The pure rules of the cache format: part names, completeness, source-file identity, version/scheme checks, and
// the slice checksums (against Node's own SHA-256 of each slice).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Q4_SCHEME } from '../q4-scheme';
import { sha256Slices, SliceDigests } from './checksum';
import {
  CACHE_FORMAT,
  CACHE_VERSION,
  manifestProblem,
  partFileName,
  sameSourceFile,
  tensorComplete,
  weightsDigest,
  type CacheTensorEntry,
} from './manifest';

const part = (row0: number, rows: number) => ({ row0, rows, buffers: [] });
const tensor = (rows: number, parts: [number, number][]): CacheTensorEntry => ({
  name: 't',
  format: 'q4',
  shape: [rows, 32],
  parts: parts.map(([a, n]) => part(a, n)),
});
const nodeSlices = (b: Uint8Array, n: number) => {
  const out: string[] = [];
  for (let o = 0; o < b.byteLength; o += n)
    out.push(
      createHash('sha256')
        .update(b.subarray(o, o + n))
        .digest('hex'),
    );
  return out;
};

describe('cache manifest rules', () => {
  it('names a part file by weight and first row, so a rewrite replaces the same file', () => {
    expect(partFileName('model.layers.0.self_attn.qkv', 128)).toBe('model.layers.0.self_attn.qkv@128.bin');
    expect(partFileName('a/b', 0), 'no path separator reaches OPFS').toBe('a%2Fb@0.bin');
  });

  it('calls a tensor complete only when its parts tile every row', () => {
    expect(
      tensorComplete(
        tensor(100, [
          [0, 64],
          [64, 36],
        ]),
      ),
    ).toBe(true);
    expect(
      tensorComplete(
        tensor(100, [
          [64, 36],
          [0, 64],
        ]),
      ),
      'order of recording does not matter',
    ).toBe(true);
    expect(tensorComplete(tensor(100, [[0, 64]])), 'a missing tail').toBe(false);
    expect(
      tensorComplete(
        tensor(100, [
          [0, 64],
          [60, 40],
        ]),
      ),
      'an overlap',
    ).toBe(false);
  });

  it('reuses parts of a source file only while its ETag (or, without one, its size) is unchanged', () => {
    expect(sameSourceFile({ etag: '"a"', size: 10 }, { etag: '"a"', size: 10 })).toBe(true);
    expect(sameSourceFile({ etag: '"a"', size: 10 }, { etag: '"b"', size: 10 }), 'new upload, same size').toBe(false);
    expect(sameSourceFile({ etag: '"a"', size: 10 }, { etag: '"a"', size: 11 }), 'size changed').toBe(false);
    expect(sameSourceFile({ etag: null, size: 10 }, { etag: null, size: 10 })).toBe(true);
    expect(sameSourceFile({ etag: null, size: null }, { etag: null, size: null }), 'nothing to compare').toBe(false);
    expect(sameSourceFile(undefined, { etag: '"a"', size: 1 }), 'file not seen before').toBe(false);
  });

  it('recognises a cache of an older format or another q4 scheme', () => {
    const ok = {
      format: CACHE_FORMAT,
      version: CACHE_VERSION,
      quantization: Q4_SCHEME,
      tensors: {},
      blobs: [],
      checksumSliceBytes: 4,
    };
    expect(manifestProblem(ok)).toBeNull();
    expect(manifestProblem({ ...ok, version: 1 })).toBe(
      `cache format version 1, this app reads version ${CACHE_VERSION}`,
    );
    expect(manifestProblem({ ...ok, quantization: { ...Q4_SCHEME, id: 'q4_old' } })).toContain(
      'another quantization scheme (q4_old)',
    );
    expect(manifestProblem({ ...ok, checksumSliceBytes: undefined })).toBe('manifest lacks tensors or blobs');
  });
});

describe('slice checksums', () => {
  const bytes = new Uint8Array(1000).map((_, i) => (i * 37) & 255);

  it('equal sha256 of each slice, however the bytes are chunked when fed', async () => {
    const want = nodeSlices(bytes, 256);
    expect(await sha256Slices(bytes, 256)).toEqual(want);
    const d = new SliceDigests(256);
    for (const [a, b] of [
      [0, 100],
      [100, 612],
      [612, 613],
      [613, 1000],
    ])
      d.push(bytes.subarray(a, b));
    expect(await d.finish()).toEqual(want);
  });

  it('change when one byte changes, in that slice only', async () => {
    const bad = bytes.slice();
    bad[600] = bad[600]! ^ 1;
    const [a, b] = [await sha256Slices(bytes, 256), await sha256Slices(bad, 256)];
    expect(a.map((x, i) => x === b[i])).toEqual([true, true, false, true]);
  });
});

describe('weightsDigest', () => {
  const buf = (role: string, sha: string[]) => ({
    role,
    dtype: 'u32' as const,
    shape: [1],
    blob: 'b',
    offset: 0,
    bytes: 4,
    sha256: sha,
  });
  const entry = (name: string, parts: [number, string[]][]): CacheTensorEntry => ({
    name,
    format: 'q4',
    shape: [parts.length * 64, 32],
    parts: parts.map(([row0, sha]) => ({ row0, rows: 64, buffers: [buf('qweight', sha), buf('scales', ['ff'])] })),
  });

  it('is the SHA-256 of one line per buffer (labels sorted, parts by row), whatever order the manifest lists them', async () => {
    const a = entry('a', [[0, ['01', '02']]]);
    const b = entry('b', [
      [64, ['04']],
      [0, ['03']],
    ]);
    const text = 'a@0:qweight:01,02\na@0:scales:ff\nb@0:qweight:03\nb@0:scales:ff\nb@64:qweight:04\nb@64:scales:ff\n';
    const want = createHash('sha256').update(text).digest('hex');
    expect(await weightsDigest({ tensors: { a, b } })).toBe(want);
    expect(await weightsDigest({ tensors: { b, a } })).toBe(want);
  });

  it('changes when any slice checksum changes', async () => {
    const one = await weightsDigest({ tensors: { a: entry('a', [[0, ['01']]]) } });
    const other = await weightsDigest({ tensors: { a: entry('a', [[0, ['02']]]) } });
    expect(other).not.toBe(one);
  });
});
