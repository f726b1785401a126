// The q4 (ARCHITECTURE.md §4) and q8 (docs/model.md §6.3) schemes on the CPU, for tools that quantize without a GPU
// (npm run quantize-folder). Same rule as shaders/quantize.wgsl (q4, and q8 with Q8), bit for bit: per group of
// 32, d = f16(m / qmin) with m the value of largest magnitude (the first on ties), q = clamp(roundHalfEven(w / d)).
// Proven against the GPU quantizer's cached output in e2e/cache-manager.spec.ts and against the f64 reference
// (quantizeRef in src/test-utils/cpu/linalg.ts) in quantize.test.ts.
import { f16BitsToF32, f32ToF16Bits } from './f16';

export const QUANT_GROUP_SIZE = 32;

/** Code width, range and storage offset: q4 stores q + 8 in a nibble, q8 the two's-complement byte. */
const FORMATS = {
  q4: { bits: 4, qmin: -8, qmax: 7, offset: 8 },
  q8: { bits: 8, qmin: -128, qmax: 127, offset: 0 },
} as const;

export type CpuQuantFormat = keyof typeof FORMATS;

/**
 * Quantizes `rows` rows of `cols` f32 values (cols % 32 == 0) into `qweight` (u32 words of 32/bits codes, low code
 * first, row r's words at r·cols·bits/32) and `scales` (f16 bits, row r's groups at r·cols/32). Throws on
 * non-finite values or a scale past f16, as the GPU quantizer does.
 */
export function quantizeRows(
  format: CpuQuantFormat,
  w: Float32Array,
  rows: number,
  cols: number,
  qweight: Uint32Array,
  scales: Uint16Array,
  what = 'tensor',
): void {
  const { bits, qmin, qmax, offset } = FORMATS[format];
  const perWord = 32 / bits;
  const mask = 2 ** bits - 1;
  if (cols % QUANT_GROUP_SIZE !== 0) throw new Error(`${what}: cols ${cols} is not a multiple of ${QUANT_GROUP_SIZE}`);
  const groups = (rows * cols) / QUANT_GROUP_SIZE;
  if (w.length < rows * cols || qweight.length < (rows * cols) / perWord || scales.length < groups)
    throw new Error(`${what}: buffers too small for ${rows}×${cols}`);
  for (let g = 0; g < groups; g++) {
    const base = g * QUANT_GROUP_SIZE;
    const row = () => Math.floor(base / cols);
    let m = w[base]!;
    for (let i = 1; i < QUANT_GROUP_SIZE; i++) if (Math.abs(w[base + i]!) > Math.abs(m)) m = w[base + i]!;
    const dBits = f32ToF16Bits(m / qmin);
    const d = f16BitsToF32(dBits);
    if (!Number.isFinite(d))
      throw new Error(`${what}: cannot quantize to ${format}: a scale past the f16 range, in row ${row()}`);
    scales[g] = dBits;
    for (let k = 0; k < QUANT_GROUP_SIZE / perWord; k++) {
      let word = 0;
      for (let j = 0; j < perWord; j++) {
        const v = w[base + perWord * k + j]!;
        if (!Number.isFinite(v))
          throw new Error(`${what}: cannot quantize to ${format}: non-finite values, in row ${row()}`);
        let q = 0;
        if (d !== 0) {
          // roundHalfEven(v / d), inlined (this loop runs once per weight): Math.round sends halves up.
          const x = v / d;
          q = Math.round(x);
          if (q - x === 0.5 && (q & 1) !== 0) q -= 1;
          q = q < qmin ? qmin : q > qmax ? qmax : q;
        }
        word |= ((q + offset) & mask) << (bits * j);
      }
      qweight[base / perWord + k] = word >>> 0;
    }
  }
}
