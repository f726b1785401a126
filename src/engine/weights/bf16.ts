// F32 checkpoint weights narrowed to bf16 for the 16-bit kernels, as transformers does when it loads a float32
// checkpoint with torch_dtype=bfloat16 (Qwen2.5-VL's dtype): round to nearest, ties to even; NaN stays NaN.

/** bf16 bits of little-endian f32 values. */
export function f32ToBf16(bytes: Uint8Array): Uint16Array {
  if (bytes.byteLength % 4) throw new Error(`f32ToBf16: ${bytes.byteLength} bytes is not a whole number of f32 values`);
  const n = bytes.byteLength / 4;
  const src = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const b = src.getUint32(4 * i, true);
    const nan = (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
    out[i] = nan ? ((b >>> 16) | 0x40) & 0xffff : ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return out;
}
