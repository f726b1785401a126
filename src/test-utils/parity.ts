// Shared pieces of the model-level parity tests: checkpoint folders as weight sources, and the tensor-level
// relative error the tolerances of ARCHITECTURE.md §12 (parity levels) are stated in.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BytesSource } from '../engine/weights/source';
import { fixtureIndex, REPO_ROOT } from './goldens';

/** A checkpoint set of the fixture index ('video-r2-tiny', 'tied-sharded', 'new-naming') as an in-memory source. */
export function checkpointSource(name: string): BytesSource {
  const entry = fixtureIndex().find((s) => s.name === name && s.kind === 'checkpoint');
  if (!entry) throw new Error(`no checkpoint set named ${name} in the fixture index`);
  const dir = join(REPO_ROOT, entry.path);
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(dir)) files[f] = new Uint8Array(readFileSync(join(dir, f)));
  return new BytesSource(files, entry.path);
}

/**
 * max |a − b| / max |b|: the tensor-level relative error (element-wise relative error of values near zero
 * measures cancellation, not the implementation). Throws on a length mismatch; NaN anywhere gives NaN.
 */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relError: lengths differ (${a.length} vs ${b.length})`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return NaN;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** a − b element-wise in f64 (a residual branch from two points of the residual stream). */
export function difference(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new Error(`difference: lengths differ (${a.length} vs ${b.length})`);
  return Float64Array.from(a, (v, i) => v - b[i]!);
}

/** RGB24 frame bytes as RGBA8 (alpha 255), the form the preprocessor takes. */
export function rgbToRgba(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    out[j] = rgb[i]!;
    out[j + 1] = rgb[i + 1]!;
    out[j + 2] = rgb[i + 2]!;
    out[j + 3] = 255;
  }
  return out;
}
