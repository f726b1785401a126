// Loads tools/reference/fixtures/preprocess (written by tools/reference/preprocess_goldens.py) for tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../../tools/reference/fixtures/preprocess/', import.meta.url));

export interface PreprocessCase {
  name: string;
  frames: number;
  source: [number, number];
  target: [number, number];
  grid_thw: [number, number, number];
  pixel_values_shape: [number, number];
}

export interface PreprocessFixture {
  manifest: {
    cases: PreprocessCase[];
    weight_pairs: [number, number][];
    versions: Record<string, string>;
    aten_cpu_capability: string;
  };
  u8(name: string): Uint8Array;
  f32(name: string): Float32Array;
  i32(name: string): Int32Array;
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

let cached: PreprocessFixture | undefined;

export function loadPreprocessFixture(): PreprocessFixture {
  if (cached) return cached;
  const bytes = readFileSync(`${DIR}preprocess.safetensors`);
  const headerLen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, Entry>;
  const base = 8 + headerLen;
  const get = (name: string, dtype: string): Uint8Array => {
    const e = header[name];
    if (!e) throw new Error(`preprocess fixture: no tensor "${name}"`);
    if (e.dtype !== dtype) throw new Error(`preprocess fixture: ${name} is ${e.dtype}, expected ${dtype}`);
    // Copy so typed views are aligned regardless of the offset inside the file.
    return new Uint8Array(bytes.subarray(base + e.data_offsets[0], base + e.data_offsets[1]));
  };
  cached = {
    manifest: JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as PreprocessFixture['manifest'],
    u8: (name) => get(name, 'U8'),
    f32: (name) => new Float32Array(get(name, 'F32').buffer),
    i32: (name) => new Int32Array(get(name, 'I32').buffer),
  };
  return cached;
}

/** A fixture's uint8 [T, H, W, 3] frames as RGBA frames (alpha 255), one Uint8Array per frame. */
export function rgbFramesToRgba(rgb: Uint8Array, frames: number, height: number, width: number): Uint8Array[] {
  const n = height * width;
  if (rgb.length !== frames * n * 3)
    throw new Error(`rgbFramesToRgba: ${rgb.length} bytes for ${frames}×${height}×${width}×3`);
  return Array.from({ length: frames }, (_, f) => {
    const out = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) {
      out[i * 4] = rgb[(f * n + i) * 3]!;
      out[i * 4 + 1] = rgb[(f * n + i) * 3 + 1]!;
      out[i * 4 + 2] = rgb[(f * n + i) * 3 + 2]!;
      out[i * 4 + 3] = 255;
    }
    return out;
  });
}
