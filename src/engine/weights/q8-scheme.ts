// The q8 weight format of docs/model.md §6.3 as data: recorded verbatim in every q8 cache manifest so a
// reader (or the Python reference, tools/reference/vr2ref/quant.py) knows exactly how the cached bytes were produced.
// Same shape of rule as q4 (q4-scheme.ts): per 32-element group along the input dimension, the largest |w| maps
// exactly to the most negative code, so the scale is a power-of-two division of a weight and needs no f32 division.
import { Q4_SCHEME, quantByteSize, type Q4Scheme } from './q4-scheme';

export const Q8_SCHEME = {
  id: 'q8_0-sym-g32-f16',
  spec: 'docs/model.md §6.3',
  appliesTo: 'text linears (q/k/v/o, gate/up/down), embed_tokens, lm_head; W[out, in] in PyTorch layout, in % 32 == 0',
  bits: 8,
  groupSize: 32,
  groupAxis: 'in (32 consecutive input elements of one row)',
  symmetric: true,
  scale:
    'm = the element with the largest |w| (first in index order on ties), as f32; d = m / -128 rounded to f16 ' +
    'round-to-nearest-even (f16 subnormals kept; |d| > 65504 is an error)',
  quantize:
    'q = clamp(roundHalfEven(w / d), -128, 127) with exact division (midpoints decided by w vs (q ± 0.5)·d); q = 0 when d == 0',
  dequantize: 'q · d (exact in f32)',
  qweightLayout:
    "u32 row-major [out][in/4]; element 4k + j of a row in bits 8j..8j+7 of word k as q's two's-complement byte " +
    '(the bytes of an int8 [out][in] array, little-endian)',
  scalesLayout: 'f16 bits, two per u32 (low half first), flat index row · (in/32) + group',
  rowChunks: 'a tensor whose q8 form passes the binding limit is stored as several row chunks, each its own buffer',
} as const;

export type Q8Scheme = typeof Q8_SCHEME;

/** Which quantized form the text weights take when the model is quantized (q4-scheme.ts or this file). */
export type QuantFormat = 'q4' | 'q8';

/** Either scheme record, as a cache manifest stores it (its `id` keys the cache entry). */
export type QuantScheme = Q4Scheme | Q8Scheme;

export function quantScheme(format: QuantFormat): QuantScheme {
  return format === 'q8' ? Q8_SCHEME : Q4_SCHEME;
}

/** This build's scheme with that id (a manifest's quantization), or null for an unknown one. */
export function schemeById(id: string | undefined): QuantScheme | null {
  return [Q4_SCHEME, Q8_SCHEME].find((s) => s.id === id) ?? null;
}

/** Bytes of one W[rows, cols] in q8: int8 codes plus f16 scales. */
export const q8ByteSize = (rows: number, cols: number, what?: string) => quantByteSize(Q8_SCHEME, rows, cols, what);
