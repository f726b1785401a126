// Deterministic damage for the hostile-file tests: targeted edits of MP4 boxes and EBML elements, and a seeded
// fuzz corpus (bit flips, overwritten runs, truncations, corrupted box / element sizes, huge declared dimensions)
// built from the generated test videos.

import { seededRandom } from '../../test-utils/random';

export interface Mutant {
  name: string;
  bytes: Uint8Array;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Byte offsets of every occurrence of `pattern`. */
export function findAll(bytes: Uint8Array, pattern: Uint8Array): number[] {
  const out: number[] = [];
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    out.push(i);
  }
  return out;
}

/** Start (size field) of the `nth` box with this fourcc at or after `from`, found by its type bytes. */
export function boxAt(bytes: Uint8Array, fourcc: string, nth = 0, from = 0): number {
  const at = findAll(bytes, ascii(fourcc)).filter((i) => i >= from)[nth];
  if (at === undefined) throw new Error(`no "${fourcc}" box #${nth}`);
  return at - 4;
}

/** The avc1 sample entry (not the "avc1" brand in ftyp). */
export const sampleEntryAt = (bytes: Uint8Array) => boxAt(bytes, 'avc1', 0, boxAt(bytes, 'stsd'));

export function setU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, value >>> 0);
  return bytes;
}

export function setU16(bytes: Uint8Array, at: number, value: number): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint16(at, value);
  return bytes;
}

export const u32 = (bytes: Uint8Array, at: number) =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at);

/** Last occurrence of an EBML element ID (the Cues of a WebM come after its clusters). */
export function lastEbml(bytes: Uint8Array, idHex: string): number {
  const id = Uint8Array.from(idHex.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
  const at = findAll(bytes, id).at(-1);
  if (at === undefined) throw new Error(`no EBML element ${idHex}`);
  return at;
}

const MP4_BOXES = [
  'moov',
  'trak',
  'mdia',
  'minf',
  'stbl',
  'stsd',
  'stts',
  'stsc',
  'stsz',
  'stco',
  'ctts',
  'stss',
  'mdhd',
  'tkhd',
  'mvhd',
  'edts',
  'elst',
  'avc1',
  'avcC',
  'moof',
  'traf',
  'tfhd',
  'tfdt',
  'trun',
  'mdat',
  'hdlr',
  'mvex',
  'trex',
];
/** EBML IDs whose size field the fuzzer corrupts: EBML, Segment, SeekHead, Info, Tracks, Cluster, Cues, TrackEntry, Video, PixelWidth/Height, SimpleBlock, BlockGroup. */
const EBML_IDS = [
  '1a45dfa3',
  '18538067',
  '114d9b74',
  '1549a966',
  '1654ae6b',
  '1f43b675',
  '1c53bb6b',
  'ae',
  'e0',
  'b0',
  'ba',
  'a3',
  'a0',
];
const BOX_SIZES = [0, 1, 7, 8, 0xffffffff, 0x7fffffff];
const VINT_FIRST_BYTES = [0x80, 0xff, 0x01, 0x40, 0x08];

/** `count` mutants of each base, the same for the same seed on every machine. */
export function fuzzCorpus(bases: { name: string; bytes: Uint8Array }[], seed: number, count: number): Mutant[] {
  const rand = seededRandom(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const base = bases[i % bases.length] as { name: string; bytes: Uint8Array };
    const b = base.bytes.slice();
    const mp4 = !base.name.endsWith('.webm') && !base.name.endsWith('.mkv');
    const kind = int(6);
    let how: string;
    if (kind === 0) {
      const flips = 1 + int(8);
      for (let k = 0; k < flips; k++) {
        const at = int(b.length);
        b[at] = (b[at] as number) ^ (1 << int(8));
      }
      how = `${flips} bit flips`;
    } else if (kind === 1) {
      const at = int(b.length);
      const len = 1 + int(32);
      for (let k = at; k < Math.min(b.length, at + len); k++) b[k] = int(256);
      how = `${len} random bytes at ${at}`;
    } else if (kind === 2) {
      const keep = 1 + int(b.length - 1);
      out.push({ name: `${base.name}#${i} truncated to ${keep}`, bytes: b.slice(0, keep) });
      continue;
    } else if (kind === 3 && mp4) {
      const type = pick(MP4_BOXES);
      const hits = findAll(b, ascii(type));
      if (hits.length === 0) {
        i--;
        continue;
      }
      const at = (pick(hits) as number) - 4;
      const size = rand() < 0.5 ? pick(BOX_SIZES) : u32(b, at) + int(64) - 32;
      setU32(b, at, size);
      how = `${type} size ${size}`;
    } else if (kind === 3) {
      const id = pick(EBML_IDS);
      const hits = findAll(
        b,
        Uint8Array.from(id.match(/../g) ?? [], (x) => Number.parseInt(x, 16)),
      );
      if (hits.length === 0) {
        i--;
        continue;
      }
      const at = (pick(hits) as number) + id.length / 2;
      b[at] = pick(VINT_FIRST_BYTES);
      how = `EBML ${id} size byte ${b[at]}`;
    } else if (kind === 4 && mp4 && findAll(b, ascii('stsd')).length > 0) {
      const at = sampleEntryAt(b);
      const w = pick([0, 65535, 16385, 1 + int(65535)]);
      const h = pick([0, 65535, 16385, 1 + int(65535)]);
      setU16(b, at + 32, w);
      setU16(b, at + 34, h);
      how = `avc1 ${w}×${h}`;
    } else {
      // Overwrite a 4-byte field right after a box / element header with an extreme value.
      const at = int(Math.max(1, b.length - 4));
      setU32(b, at, pick([0, 0xffffffff, 0x80000000, 1]));
      how = `u32 at ${at}`;
    }
    out.push({ name: `${base.name}#${i} ${how}`, bytes: b });
  }
  return out;
}
