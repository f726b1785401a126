import { describe, expect, it } from 'vitest';
import { SafetensorsError } from './errors';
import { headerLength, parseSafetensorsHeader } from './safetensors';
import { writeSafetensors } from '../../test-utils/safetensors-write';

/** Parses a complete in-memory file the way readSafetensorsHeader does. */
function parse(file: Uint8Array, size: number | null = file.byteLength) {
  const n = headerLength('t.safetensors', file.subarray(0, 8), size);
  return parseSafetensorsHeader('t.safetensors', file.subarray(8, 8 + n), size);
}

/** A file with a hand-written header (to express malformed ones). */
function rawFile(header: unknown, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  return out;
}

describe('safetensors header', () => {
  it('parses dtypes, shapes and absolute offsets (incl. F32 and metadata)', () => {
    const a = new Uint8Array(2 * 3 * 2).map((_, i) => i);
    const b = new Uint8Array(4 * 5).map((_, i) => 100 + i);
    const file = writeSafetensors(
      [
        { name: 'a', dtype: 'BF16', shape: [2, 3], data: a },
        { name: 'b', dtype: 'F32', shape: [5], data: b },
      ],
      { format: 'pt' },
    );
    const h = parse(file);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(h.dataStart % 8).toBe(0);
    expect(h.dataBytes).toBe(32);
    const [ea, eb] = h.entries;
    expect(ea).toMatchObject({ name: 'a', dtype: 'BF16', shape: [2, 3], byteLength: 12 });
    expect(eb).toMatchObject({ name: 'b', dtype: 'F32', shape: [5], byteLength: 20 });
    expect([...file.subarray(ea!.fileOffset, ea!.fileOffset + 12)]).toEqual([...a]);
    expect([...file.subarray(eb!.fileOffset, eb!.fileOffset + 20)]).toEqual([...b]);
  });

  it('rejects a truncated header', () => {
    const file = writeSafetensors([{ name: 'a', dtype: 'F16', shape: [4], data: new Uint8Array(8) }]);
    expect(() => headerLength('t.safetensors', file.subarray(0, 5), null)).toThrow(/5 bytes is too short/);
    expect(() => parse(file.subarray(0, 20))).toThrow(/header of \d+ bytes runs past the end of the 20-byte file/);
    // Size unknown (URL without Content-Range): the JSON itself is cut off.
    const n = headerLength('t.safetensors', file, null);
    expect(() => parseSafetensorsHeader('t.safetensors', file.subarray(8, 8 + n - 3), null)).toThrow(
      /header is not valid JSON/,
    );
  });

  it('rejects an implausible header length (not a safetensors file)', () => {
    const junk = new TextEncoder().encode('<!doctype html><html>…');
    expect(() => headerLength('t.safetensors', junk, null)).toThrow(SafetensorsError);
    expect(() => headerLength('t.safetensors', junk, null)).toThrow(/header length \d+ is not plausible/);
  });

  it('names tensor and dtype for unsupported dtypes', () => {
    expect(() => parse(rawFile({ 'model.x': { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }, 4))).toThrow(
      /tensor model\.x has dtype I8, which is not supported; only BF16, F16 and F32/,
    );
    expect(() => parse(rawFile({ y: { dtype: 'Q4_K', shape: [4], data_offsets: [0, 4] } }, 4))).toThrow(
      /tensor y has dtype Q4_K, which is not a safetensors dtype/,
    );
  });

  it('rejects offsets out of range, overlaps, holes and size mismatches', () => {
    // Data section claims 16 bytes, file has 8.
    expect(() => parse(rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8))).toThrow(
      /describes \d+ bytes, but the file has only \d+ bytes/,
    );
    // Two F32 tensors a, b at the given data offsets in a 12-byte data section.
    const twoTensors = (a: [number, number], b: [number, number]) =>
      parse(
        rawFile(
          {
            a: { dtype: 'F32', shape: [(a[1] - a[0]) / 4], data_offsets: a },
            b: { dtype: 'F32', shape: [(b[1] - b[0]) / 4], data_offsets: b },
          },
          12,
        ),
      );
    expect(() => twoTensors([0, 8], [4, 12])).toThrow(/tensor b overlaps the tensor before it/);
    expect(() => twoTensors([0, 4], [8, 12])).toThrow(/hole in the data before tensor b/);
    expect(() => parse(rawFile({ a: { dtype: 'BF16', shape: [3], data_offsets: [0, 8] } }, 8))).toThrow(
      /tensor a \(BF16 \[3\]\) needs 6 bytes, data_offsets \[0, 8\] span 8/,
    );
    expect(() => parse(rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 6))).toThrow(
      /the file has 2 extra bytes at the end/,
    );
    expect(() => parse(rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4))).toThrow(/bad shape/);
    expect(() => parse(rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, 4))).toThrow(
      /bad data_offsets/,
    );
  });

  it('accepts zero-size tensors and an unknown file size', () => {
    const file = writeSafetensors([
      { name: 'empty', dtype: 'F16', shape: [0, 8], data: new Uint8Array(0) },
      { name: 'x', dtype: 'F16', shape: [1], data: new Uint8Array(2) },
    ]);
    expect(parse(file, null).entries.map((e) => e.byteLength)).toEqual([0, 2]);
  });
});
