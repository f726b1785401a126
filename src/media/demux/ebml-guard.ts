// Guards mediabunny (1.61) against a Matroska/WebM structure that makes it loop forever. When it meets bytes
// that are not a level-1 element (junk at Segment level: e.g. a Cues element whose size was flipped to 0, so its
// cue points are read as top-level elements), it calls `resync`, a byte-wise search for the next level-1 ID. If
// no such ID exists before the search limit, `resync` stops advancing once 8 bytes (MAX_VAR_INT_SIZE) remain and
// spins synchronously: the worker is stuck at 100 % CPU and cannot even see a cancel message. We walk the
// level-1 elements ourselves first, exactly as its walk does, and when junk has no level-1 ID after it within the
// same window, hand mediabunny the file cut just before the junk (nothing after it could be read anyway).

import { readBytes } from './blob-reader';

/** SeekHead, Info, Cluster, Tracks, Cues, Attachments, Chapters, Tags (mediabunny's LEVEL_1_EBML_IDS). */
const LEVEL_1 = [0x114d9b74, 0x1549a966, 0x1f43b675, 0x1654ae6b, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367];
const LEVEL_1_SET = new Set(LEVEL_1);
const VOID = 0xec;
const SEGMENT = 0x18538067;
/** mediabunny's MAX_RESYNC_LENGTH. */
const RESYNC_WINDOW = 10 * 2 ** 20;
const CHUNK = 1 << 16;

interface Header {
  id: number;
  /** Undefined for an unknown size (0xFF or the 8-byte all-ones value), as mediabunny reads it. */
  size: number | undefined;
  headerLength: number;
}

function readVint(b: Uint8Array, at: number): { value: number; length: number } | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > b.length) return null;
  let value = first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + (b[at + i] as number);
  return { value, length };
}

function readHeader(b: Uint8Array): Header | null {
  const first = b[0];
  if (first === undefined || first === 0) return null;
  const idLength = Math.clz32(first) - 23;
  if (idLength > 4 || idLength > b.length) return null;
  let id = 0;
  for (let i = 0; i < idLength; i++) id = id * 256 + (b[i] as number);
  if (b[idLength] === 0xff) return { id, size: undefined, headerLength: idLength + 1 };
  const size = readVint(b, idLength);
  if (!size) return null;
  return { id, size: size.value === 2 ** 56 - 1 ? undefined : size.value, headerLength: idLength + size.length };
}

/** Position of the first level-1 element ID in [from, until), or null. Reads in 64 KiB chunks. */
async function findLevel1(file: Blob, from: number, until: number): Promise<number | null> {
  for (let pos = from; pos < until; pos += CHUNK - 3) {
    const b = await readBytes(file, pos, Math.min(until + 3, pos + CHUNK));
    for (let i = 0; i + 4 <= b.length && pos + i < until; i++) {
      const first = b[i] as number;
      if (first < 0x10 || first > 0x1f) continue;
      const id =
        ((first << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
      if (LEVEL_1_SET.has(id)) return pos + i;
    }
    if (b.length < CHUNK) break;
  }
  return null;
}

export interface MatroskaExtent {
  /** Bytes of the file mediabunny may see. */
  end: number;
  /** Set when the file was cut, for the metadata warnings. */
  warning?: string;
}

/** Where mediabunny can safely stop reading `file` (its size unless a resync would never end). */
export async function safeMatroskaExtent(file: Blob): Promise<MatroskaExtent> {
  const whole: MatroskaExtent = { end: file.size };
  const ebml = readHeader(await readBytes(file, 0, 16));
  if (!ebml || ebml.size === undefined) return whole;
  const segmentAt = ebml.headerLength + ebml.size;
  const segment = readHeader(await readBytes(file, segmentAt, segmentAt + 16));
  if (!segment || segment.id !== SEGMENT) return whole;
  const segmentStart = segmentAt + segment.headerLength;
  const segmentEnd = segment.size === undefined ? Number.POSITIVE_INFINITY : segmentStart + segment.size;
  let pos = segmentStart;
  while (pos < Math.min(segmentEnd, file.size) - 2) {
    const head = await readBytes(file, pos, pos + 16);
    const h = readHeader(head);
    if (h && (LEVEL_1_SET.has(h.id) || h.id === VOID)) {
      const dataStart = pos + h.headerLength;
      if (h.size !== undefined) {
        pos = dataStart + h.size;
        continue;
      }
      // Unknown size (live recordings): the element runs until the next level-1 ID.
      const next = await findLevel1(file, dataStart, Math.min(segmentEnd, file.size));
      if (next === null) return whole;
      pos = next;
      continue;
    }
    const limit = Math.min(segmentEnd, pos + RESYNC_WINDOW, file.size);
    const next = await findLevel1(file, pos, limit);
    if (next !== null) {
      pos = next;
      continue;
    }
    return {
      end: pos,
      warning: `The file's structure is damaged from byte ${pos} on (${file.size - pos} bytes that are not WebM/Matroska elements); that part was ignored.`,
    };
  }
  return whole;
}
