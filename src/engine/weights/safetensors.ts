// safetensors headers: 8-byte little-endian header length N, then N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}, then the data; offsets are relative
// to the first data byte. We validate as strictly as the reference `safetensors` library: known dtypes, sizes
// that match shape × dtype, offsets in bounds, no overlaps and no holes.
import { SafetensorsError } from './errors';

export type SafetensorsDType = 'BF16' | 'F16' | 'F32';
export const DTYPE_BYTES: Record<SafetensorsDType, number> = { BF16: 2, F16: 2, F32: 4 };
/** The library's own cap on header size (guards against reading a garbage length). */
export const MAX_HEADER_BYTES = 100_000_000;
const KNOWN_UNSUPPORTED = new Set([
  'F64',
  'I64',
  'I32',
  'I16',
  'I8',
  'U64',
  'U32',
  'U16',
  'U8',
  'BOOL',
  'F8_E4M3',
  'F8_E5M2',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
]);

export interface SafetensorsEntry {
  /** Name as stored in the file. */
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Absolute byte offset of the first element in the file (8 + N + data_offsets[0]). */
  fileOffset: number;
  byteLength: number;
}

export interface SafetensorsHeader {
  file: string;
  /** 8 + N: where the data section starts. */
  dataStart: number;
  /** Bytes of the data section (the largest end offset). */
  dataBytes: number;
  entries: SafetensorsEntry[];
  metadata: Record<string, string> | null;
}

/** Reads N from the first 8 bytes and checks it is plausible. */
export function headerLength(file: string, prefix: Uint8Array, fileSize: number | null): number {
  if (prefix.byteLength < 8)
    throw new SafetensorsError(
      `${file}: ${prefix.byteLength} bytes is too short for a safetensors file (8-byte header length missing)`,
    );
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n < 2n || n > BigInt(MAX_HEADER_BYTES))
    throw new SafetensorsError(`${file}: header length ${n} is not plausible (is this a safetensors file?)`);
  const len = Number(n);
  if (fileSize !== null && 8 + len > fileSize)
    throw new SafetensorsError(
      `${file}: header of ${len} bytes runs past the end of the ${fileSize}-byte file (truncated?)`,
    );
  return len;
}

const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses and validates the JSON header; `fileSize` (when known) must equal 8 + N + data bytes. */
export function parseSafetensorsHeader(
  file: string,
  headerJson: Uint8Array,
  fileSize: number | null,
): SafetensorsHeader {
  const dataStart = 8 + headerJson.byteLength;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerJson));
  } catch (e) {
    throw new SafetensorsError(
      `${file}: header is not valid JSON (${(e as Error).message}); the file may be truncated or not safetensors`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new SafetensorsError(`${file}: header must be a JSON object`);

  let metadata: Record<string, string> | null = null;
  const entries: SafetensorsEntry[] = [];
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null)
      throw new SafetensorsError(`${file}: tensor ${name} has no dtype/shape/data_offsets`);
    const dtype = e.dtype;
    if (typeof dtype !== 'string') throw new SafetensorsError(`${file}: tensor ${name} has no dtype`);
    if (!(dtype in DTYPE_BYTES)) {
      const what = KNOWN_UNSUPPORTED.has(dtype) ? 'is not supported' : 'is not a safetensors dtype';
      throw new SafetensorsError(
        `${file}: tensor ${name} has dtype ${dtype}, which ${what}; only BF16, F16 and F32 checkpoints can be loaded`,
      );
    }
    if (!Array.isArray(e.shape) || !e.shape.every(isNonNegInt))
      throw new SafetensorsError(`${file}: tensor ${name} has a bad shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !isNonNegInt(off[0]) || !isNonNegInt(off[1]) || off[1] < off[0]) {
      throw new SafetensorsError(`${file}: tensor ${name} has bad data_offsets ${JSON.stringify(off)}`);
    }
    const shape = e.shape as number[];
    const expected = shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype as SafetensorsDType];
    const byteLength = off[1] - off[0];
    if (byteLength !== expected) {
      throw new SafetensorsError(
        `${file}: tensor ${name} (${dtype} [${shape.join(', ')}]) needs ${expected} bytes, data_offsets [${off[0]}, ${off[1]}] span ${byteLength}`,
      );
    }
    entries.push({ name, dtype: dtype as SafetensorsDType, shape, fileOffset: dataStart + off[0], byteLength });
  }

  // Offsets must tile [0, dataBytes) exactly: no overlaps, no holes (the safetensors library rejects both).
  const sorted = [...entries].sort((a, b) => a.fileOffset - b.fileOffset || a.byteLength - b.byteLength);
  let cursor = dataStart;
  for (const e of sorted) {
    if (e.fileOffset < cursor)
      throw new SafetensorsError(
        `${file}: tensor ${e.name} overlaps the tensor before it (starts at data byte ${e.fileOffset - dataStart}, previous ends at ${cursor - dataStart})`,
      );
    if (e.fileOffset > cursor)
      throw new SafetensorsError(
        `${file}: hole in the data before tensor ${e.name} (data bytes ${cursor - dataStart}–${e.fileOffset - dataStart} belong to no tensor)`,
      );
    cursor = e.fileOffset + e.byteLength;
  }
  const dataBytes = cursor - dataStart;
  if (fileSize !== null && dataStart + dataBytes !== fileSize) {
    const detail =
      dataStart + dataBytes > fileSize
        ? `the file has only ${fileSize} bytes (truncated?)`
        : `the file has ${fileSize - dataStart - dataBytes} extra bytes at the end`;
    throw new SafetensorsError(`${file}: the header describes ${dataStart + dataBytes} bytes, but ${detail}`);
  }
  return { file, dataStart, dataBytes, entries, metadata };
}
