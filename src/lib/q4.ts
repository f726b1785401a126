// The q4 scheme of ARCHITECTURE.md §4 on the CPU, for tools that quantize without a GPU (npm run quantize-folder).
// Same rule as shaders/q4_quantize.wgsl, bit for bit (proven against the GPU quantizer's cached output in
// e2e/cache-manager.spec.ts and against the f64 reference in src/test-utils/cpu/linalg.ts in q4.test.ts).
import { f16BitsToF32, f32ToF16Bits } from './f16';

export const Q4_GROUP_SIZE = 32;

/**
 * Quantizes `rows` rows of `cols` f32 values (cols % 32 == 0) into `qweight` (u32 words, 8 nibbles q + 8 each, row
 * r's words at r·cols/8) and `scales` (f16 bits, row r's groups at r·cols/32). Throws on non-finite values or a
 * scale past f16, as the GPU quantizer does.
 */
export function quantizeQ4Rows(
  w: Float32Array,
  rows: number,
  cols: number,
  qweight: Uint32Array,
  scales: Uint16Array,
  what = 'tensor',
): void {
  if (cols % Q4_GROUP_SIZE !== 0) throw new Error(`${what}: cols ${cols} is not a multiple of ${Q4_GROUP_SIZE}`);
  const groups = (rows * cols) / Q4_GROUP_SIZE;
  if (w.length < rows * cols || qweight.length < (rows * cols) / 8 || scales.length < groups)
    throw new Error(`${what}: buffers too small for ${rows}×${cols}`);
  for (let g = 0; g < groups; g++) {
    const base = g * Q4_GROUP_SIZE;
    let m = w[base]!;
    for (let i = 1; i < Q4_GROUP_SIZE; i++) if (Math.abs(w[base + i]!) > Math.abs(m)) m = w[base + i]!;
    const bits = f32ToF16Bits(m / -8);
    const d = f16BitsToF32(bits);
    if (!Number.isFinite(d))
      throw new Error(`${what}: cannot quantize to q4: a scale past the f16 range, in row ${Math.floor(base / cols)}`);
    scales[g] = bits;
    for (let k = 0; k < Q4_GROUP_SIZE / 8; k++) {
      let word = 0;
      for (let j = 0; j < 8; j++) {
        const v = w[base + 8 * k + j]!;
        if (!Number.isFinite(v))
          throw new Error(`${what}: cannot quantize to q4: non-finite values, in row ${Math.floor(base / cols)}`);
        let q = 0;
        if (d !== 0) {
          // roundHalfEven(v / d), inlined (this loop runs once per weight): Math.round sends halves up.
          const x = v / d;
          q = Math.round(x);
          if (q - x === 0.5 && (q & 1) !== 0) q -= 1;
          q = q < -8 ? -8 : q > 7 ? 7 : q;
        }
        word |= (q + 8) << (4 * j);
      }
      qweight[base / 8 + k] = word >>> 0;
    }
  }
}
