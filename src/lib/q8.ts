// The q8 scheme of docs/model.md §6.3 on the CPU, for tools that quantize without a GPU (npm run quantize-folder).
// Same rule as shaders/q8_quantize.wgsl (d = f16(m / −128), codes clamped to [−128, 127], ties to even), checked
// against the f64 reference (quantizeRef in src/test-utils/cpu/linalg.ts) in q8.test.ts.
import { f16BitsToF32, f32ToF16Bits } from './f16';

export const Q8_GROUP_SIZE = 32;

/**
 * Quantizes `rows` rows of `cols` f32 values (cols % 32 == 0) into `qweight` (u32 words, 4 two's-complement bytes
 * each, row r's words at r·cols/4) and `scales` (f16 bits, row r's groups at r·cols/32). Throws on non-finite
 * values or a scale past f16, as the GPU quantizer does.
 */
export function quantizeQ8Rows(
  w: Float32Array,
  rows: number,
  cols: number,
  qweight: Uint32Array,
  scales: Uint16Array,
  what = 'tensor',
): void {
  if (cols % Q8_GROUP_SIZE !== 0) throw new Error(`${what}: cols ${cols} is not a multiple of ${Q8_GROUP_SIZE}`);
  const groups = (rows * cols) / Q8_GROUP_SIZE;
  if (w.length < rows * cols || qweight.length < (rows * cols) / 4 || scales.length < groups)
    throw new Error(`${what}: buffers too small for ${rows}×${cols}`);
  for (let g = 0; g < groups; g++) {
    const base = g * Q8_GROUP_SIZE;
    let m = w[base]!;
    for (let i = 1; i < Q8_GROUP_SIZE; i++) if (Math.abs(w[base + i]!) > Math.abs(m)) m = w[base + i]!;
    const bits = f32ToF16Bits(m / -128);
    const d = f16BitsToF32(bits);
    if (!Number.isFinite(d))
      throw new Error(`${what}: cannot quantize to q8: a scale past the f16 range, in row ${Math.floor(base / cols)}`);
    scales[g] = bits;
    for (let k = 0; k < Q8_GROUP_SIZE / 4; k++) {
      let word = 0;
      for (let j = 0; j < 4; j++) {
        const v = w[base + 4 * k + j]!;
        if (!Number.isFinite(v))
          throw new Error(`${what}: cannot quantize to q8: non-finite values, in row ${Math.floor(base / cols)}`);
        let q = 0;
        if (d !== 0) {
          // roundHalfEven(v / d), inlined (this loop runs once per weight): Math.round sends halves up.
          const x = v / d;
          q = Math.round(x);
          if (q - x === 0.5 && (q & 1) !== 0) q -= 1;
          q = q < -128 ? -128 : q > 127 ? 127 : q;
        }
        word |= (q & 0xff) << (8 * j);
      }
      qweight[base / 4 + k] = word >>> 0;
    }
  }
}
