// The q4 weight format of ARCHITECTURE.md §4 as data: recorded verbatim in every cache manifest so a reader
// (or the Python reference) knows exactly how the cached bytes were produced, and a cache written under a
// different scheme is never mistaken for this one.

export const Q4_SCHEME = {
  id: 'q4_0-sym-g32-f16',
  spec: 'ARCHITECTURE.md §4',
  appliesTo: 'text linears (q/k/v/o, gate/up/down), embed_tokens, lm_head; W[out, in] in PyTorch layout, in % 32 == 0',
  bits: 4,
  groupSize: 32,
  groupAxis: 'in (32 consecutive input elements of one row)',
  symmetric: true,
  scale:
    'm = the element with the largest |w| (first in index order on ties), as f32; d = m / -8 rounded to f16 ' +
    'round-to-nearest-even (f16 subnormals kept; |d| > 65504 is an error)',
  quantize:
    'q = clamp(roundHalfEven(w / d), -8, 7) with exact division (midpoints decided by w vs (q ± 0.5)·d); q = 0 when d == 0',
  dequantize: 'q · d (exact in f32)',
  qweightLayout:
    'u32 row-major [out][in/8]; element 8k + j of a row in bits 4j..4j+3 of word k as the unsigned nibble q + 8',
  scalesLayout: 'f16 bits, two per u32 (low half first), flat index row · (in/32) + group',
  rowChunks: 'a tensor whose q4 form passes the binding limit is stored as several row chunks, each its own buffer',
} as const;

export type Q4Scheme = typeof Q4_SCHEME;

/** Bytes of one W[rows, cols] in a quantized scheme: packed codes plus f16 scales (each buffer padded to 4 bytes). */
export function quantByteSize(
  scheme: { readonly id: string; readonly bits: number; readonly groupSize: number },
  rows: number,
  cols: number,
  what = 'tensor',
): { qweight: number; scales: number; total: number } {
  if (cols % scheme.groupSize !== 0) {
    const format = scheme.id.split('_')[0]!;
    throw new Error(
      `${what}: input dimension ${cols} is not a multiple of the ${format} group size ${scheme.groupSize}; it cannot be quantized`,
    );
  }
  const qweight = (rows * cols * scheme.bits) / 8;
  const scales = Math.ceil((((rows * cols) / scheme.groupSize) * 2) / 4) * 4;
  return { qweight, scales, total: qweight + scales };
}

/** Bytes of one W[rows, cols] in q4: packed nibbles plus f16 scales. */
export const q4ByteSize = (rows: number, cols: number, what?: string) => quantByteSize(Q4_SCHEME, rows, cols, what);
