// Run bundles: a versioned JSON file holding whole runs (meta + per-token arrays), re-opened without a model.
//
// Format (BUNDLE_FORMAT, version BUNDLE_VERSION):
//   { format: "video-r2-web/run-bundle", version: 2, appVersion, exportedAt (ISO),
//     runs: [ { meta: RunMeta, shape: RunShape,
//               tokens: { count, text, ids: number[], charStarts: number[], stepMs: number[],
//                         headMass?, pairMass?, segmentMass?, videoRow? },
//               summary: ExportedSummary (run-summary.ts; NaN written as null) } ] }
// Arrays of attention are { dtype: "f32" | "f16", shape: [count, k], base64 } (little-endian bytes; f16 = IEEE
// half bits), present iff shape.attention. Readers refuse a newer `version` with a message naming both versions.
// Version 1 (no `summary`) still opens: summaries are derived data, and the app recomputes them from the arrays
// on opening any bundle; the stored ones are for readers without the app (pandas, notebooks).
import { APP_VERSION } from './app-version';
import { SEGMENTS, type RunMeta, type RunRecord } from './run-record';
import { RunTokens, SEGMENT_COUNT, type RunShape } from './run-tokens';
import { exportSummary, type ExportedSummary } from './run-summary';

export const BUNDLE_FORMAT = 'video-r2-web/run-bundle';
export const BUNDLE_VERSION = 2;
/** The oldest version this app still opens. */
export const OLDEST_BUNDLE_VERSION = 1;

export interface PackedArray {
  dtype: 'f32' | 'f16';
  shape: [number, number];
  base64: string;
}

export interface BundledRun {
  meta: RunMeta;
  shape: RunShape;
  tokens: {
    count: number;
    text: string;
    ids: number[];
    charStarts: number[];
    stepMs: number[];
    headMass?: PackedArray;
    pairMass?: PackedArray;
    segmentMass?: PackedArray;
    videoRow?: PackedArray;
  };
  /** Since version 2. */
  summary?: ExportedSummary;
}

export interface RunBundle {
  format: typeof BUNDLE_FORMAT;
  version: number;
  appVersion: string;
  exportedAt: string;
  runs: BundledRun[];
}

/** A bundle that cannot be opened; `message` is meant for the user. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

// ---- writing ----

export function bundleRuns(runs: readonly RunRecord[], now = new Date(), appVersion = APP_VERSION): RunBundle {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    appVersion,
    exportedAt: now.toISOString(),
    runs: runs.map(bundleRun),
  };
}

export function serializeBundle(b: RunBundle): string {
  return JSON.stringify(b);
}

function bundleRun(run: RunRecord): BundledRun {
  const t = run.tokens;
  if (!t) throw new BundleError(`${run.meta.label} has no tokens to export yet.`);
  const n = t.count;
  const out: BundledRun = {
    meta: run.meta,
    shape: t.shape,
    tokens: {
      count: n,
      text: t.text,
      ids: Array.from(t.ids),
      charStarts: Array.from(t.charStarts),
      stepMs: Array.from(t.stepMs),
    },
    summary: exportSummary(run),
  };
  if (t.shape.attention) {
    out.tokens.headMass = pack('f32', [n, t.shape.heads], t.headMass);
    out.tokens.pairMass = pack('f32', [n, t.shape.pairs], t.pairMass);
    out.tokens.segmentMass = pack('f32', [n, SEGMENT_COUNT], t.segmentMass);
    const rows = new Uint16Array(n * t.shape.videoTokens);
    for (let i = 0; i < n; i++) rows.set(t.videoRowBits(i), i * t.shape.videoTokens);
    out.tokens.videoRow = pack('f16', [n, t.shape.videoTokens], rows);
  }
  return out;
}

function pack(dtype: 'f32' | 'f16', shape: [number, number], data: Float32Array | Uint16Array): PackedArray {
  return { dtype, shape, base64: toBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) };
}

// ---- reading ----

/**
 * Parses and validates a bundle; returns run records ready for the store (ids made unique against `taken`). Throws
 * BundleError with a specific message; nothing is returned (so nothing is added) unless every run is valid.
 */
export function readBundle(text: string, fileName: string, taken: (id: string) => boolean = () => false): RunRecord[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const trimmed = text.trimEnd();
    const unclosed = trimmed.startsWith('{') && !trimmed.endsWith('}');
    throw new BundleError(
      unclosed
        ? `“${fileName}” is cut short (${new TextEncoder().encode(text).length.toLocaleString('en-US')} bytes, the JSON never closes): the file is truncated. Export the run again.`
        : `“${fileName}” is not JSON (${e instanceof Error ? e.message : String(e)}), so it is not a run bundle.`,
    );
  }
  if (!isObject(raw) || raw.format !== BUNDLE_FORMAT) {
    throw new BundleError(`“${fileName}” is JSON but not a Video-R2 Web run bundle (no "format": "${BUNDLE_FORMAT}").`);
  }
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < OLDEST_BUNDLE_VERSION)
    throw new BundleError(
      `“${fileName}”: the bundle version ${JSON.stringify(version)} is not one this app reads (${OLDEST_BUNDLE_VERSION} to ${BUNDLE_VERSION}).`,
    );
  if (version > BUNDLE_VERSION) {
    throw new BundleError(
      `“${fileName}” was written by a newer Video-R2 Web (app ${String(raw.appVersion)}, bundle version ${version}); this app (${APP_VERSION}) reads bundle version ${BUNDLE_VERSION} and older. Open it in a newer version of the app.`,
    );
  }
  const runs: unknown = raw.runs;
  if (!Array.isArray(runs) || runs.length === 0) throw new BundleError(`“${fileName}” holds no runs.`);
  const used = new Set<string>();
  return runs.map((r: unknown, i) => {
    try {
      const run = readRun(r, version);
      let id = run.id;
      for (let k = 2; taken(id) || used.has(id); k++) id = `${run.id}~${k}`;
      used.add(id);
      const meta = Object.freeze({ ...run.meta, id, origin: 'imported' as const });
      return { id, meta, tokens: run.tokens, version: 1 };
    } catch (e) {
      throw new BundleError(
        `“${fileName}”, run ${i + 1} of ${runs.length}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  });
}

function readRun(r: unknown, version: number): RunRecord {
  if (!isObject(r) || !isObject(r.meta) || !isObject(r.shape) || !isObject(r.tokens))
    throw new Error('it lacks meta, shape or tokens.');
  if (version >= 2 && !isObject(r.summary)) throw new Error('it lacks its summary (required since bundle version 2).');
  const meta = r.meta as unknown as RunMeta;
  for (const k of ['id', 'label', 'stage'] as const)
    if (typeof meta[k] !== 'string') throw new Error(`meta.${k} is missing.`);
  if (!isObject(meta.prompt) || !isObject(meta.decoding) || !isObject(meta.timings))
    throw new Error('meta lacks the prompt, decoding or timings.');
  const shape = r.shape as unknown as RunShape;
  if (meta.video && isObject(meta.video.grid) && meta.video.grid.t !== shape.pairs)
    throw new Error(`the video has ${meta.video.grid.t} frame pairs but the arrays hold ${shape.pairs}.`);
  const tokens = new RunTokens({
    heads: shape.heads,
    pairs: shape.pairs,
    videoTokens: shape.videoTokens,
    attention: shape.attention === true,
  });
  const t = r.tokens;
  const n = t.count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error('tokens.count is not a count.');
  if (typeof t.text !== 'string') throw new Error('tokens.text is missing.');
  const ids = numbers(t.ids, n, 'tokens.ids');
  const starts = numbers(t.charStarts, n, 'tokens.charStarts');
  const ms = numbers(t.stepMs, n, 'tokens.stepMs');
  for (let i = 0; i < n; i++) {
    const end = i + 1 < n ? starts[i + 1]! : t.text.length;
    if (!(starts[i]! >= (i ? starts[i - 1]! : 0) && starts[i]! <= end && end <= t.text.length))
      throw new Error(`tokens.charStarts[${i}] = ${starts[i]} is not within the text in order.`);
  }
  let head: Float32Array | null = null;
  let pair: Float32Array | null = null;
  let seg: Float32Array | null = null;
  let rows: Uint16Array | null = null;
  if (shape.attention) {
    head = unpack(t.headMass, 'f32', [n, shape.heads], 'headMass') as Float32Array;
    pair = unpack(t.pairMass, 'f32', [n, shape.pairs], 'pairMass') as Float32Array;
    seg = unpack(t.segmentMass, 'f32', [n, SEGMENT_COUNT], `segmentMass (${SEGMENTS.join(', ')})`) as Float32Array;
    rows = unpack(t.videoRow, 'f16', [n, shape.videoTokens], 'videoRow') as Uint16Array;
  }
  const V = shape.videoTokens;
  for (let i = 0; i < n; i++) {
    const end = i + 1 < n ? starts[i + 1]! : t.text.length;
    tokens.append({
      id: ids[i]!,
      text: t.text.slice(starts[i]!, end),
      ms: ms[i]!,
      ...(shape.attention
        ? {
            headMass: head!.subarray(i * shape.heads, (i + 1) * shape.heads),
            pairMass: pair!.subarray(i * shape.pairs, (i + 1) * shape.pairs),
            segmentMass: seg!.subarray(i * SEGMENT_COUNT, (i + 1) * SEGMENT_COUNT),
            videoRow: rows!.subarray(i * V, (i + 1) * V),
          }
        : {}),
    });
  }
  return { id: meta.id, meta, tokens, version: 1 };
}

function numbers(a: unknown, n: number, name: string): number[] {
  if (!Array.isArray(a) || a.length !== n)
    throw new Error(`${name} should hold ${n} numbers, it holds ${Array.isArray(a) ? a.length : 'none'}.`);
  for (const x of a)
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new Error(`${name} holds a non-number (${JSON.stringify(x)}).`);
  return a as number[];
}

function unpack(p: unknown, dtype: 'f32' | 'f16', shape: [number, number], name: string): Float32Array | Uint16Array {
  if (!isObject(p) || typeof p.base64 !== 'string') throw new Error(`${name} is missing.`);
  if (p.dtype !== dtype) throw new Error(`${name} is ${String(p.dtype)}, expected ${dtype}.`);
  const bytes = fromBase64(p.base64, name);
  const size = dtype === 'f32' ? 4 : 2;
  const want = shape[0] * shape[1];
  if (bytes.length !== want * size)
    throw new Error(
      `${name} holds ${bytes.length} bytes, expected ${want * size} (${shape[0]} tokens × ${shape[1]} ${dtype} values).`,
    );
  const copy = bytes.slice().buffer;
  return dtype === 'f32' ? new Float32Array(copy) : new Uint16Array(copy);
}

function isObject(x: unknown): x is Record<string, unknown> & { runs?: unknown } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

// Chunked so large arrays do not overflow the argument limit of String.fromCharCode.
function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string, name: string): Uint8Array {
  let s: string;
  try {
    s = atob(b64);
  } catch {
    throw new Error(`${name} is not valid base64.`);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
