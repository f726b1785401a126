// Just enough of an H.264 sequence parameter set parser to read the VUI colour description: whether the stream
// says which YUV→RGB matrix it uses, and its range flag. Chromium assumes BT.709 for untagged H.264 while
// ffmpeg (and so decord) assumes BT.601; knowing "untagged" lets us tell the decoder to do what ffmpeg does.

export interface H264ColorInfo {
  /** ISO/IEC 23091-4 matrix_coefficients, or null when the SPS has no colour description. */
  matrixCoefficients: number | null;
  colourPrimaries: number | null;
  transferCharacteristics: number | null;
  fullRange: boolean;
}

class BitReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  bit(): number {
    const byte = this.bytes[this.pos >> 3];
    if (byte === undefined) throw new RangeError('SPS ended early');
    const b = (byte >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }

  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }

  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) throw new RangeError('bad Exp-Golomb code');
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** NAL payload without emulation-prevention bytes (00 00 03 → 00 00). */
function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < nal.length; i++) {
    if (i >= 2 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
    out.push(nal[i] as number);
  }
  return Uint8Array.from(out);
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Parses an SPS NAL unit (starting with its NAL header byte). */
export function parseSpsColor(nal: Uint8Array): H264ColorInfo {
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profile = r.bits(8);
  r.bits(16); // constraint flags + level
  r.ue(); // seq_parameter_set_id
  if (HIGH_PROFILES.has(profile)) {
    const chroma = r.ue();
    if (chroma === 3) r.bit();
    r.ue();
    r.ue();
    r.bit();
    if (r.bit()) for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) if (r.bit()) skipScalingList(r, i < 6 ? 16 : 64);
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.bit();
    r.se();
    r.se();
    const n = r.ue();
    for (let i = 0; i < n; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.bit();
  r.ue(); // width in MBs
  r.ue(); // height in map units
  if (!r.bit()) r.bit(); // frame_mbs_only_flag, mb_adaptive_frame_field_flag
  r.bit(); // direct_8x8_inference_flag
  if (r.bit()) for (let i = 0; i < 4; i++) r.ue(); // cropping
  const none: H264ColorInfo = {
    matrixCoefficients: null,
    colourPrimaries: null,
    transferCharacteristics: null,
    fullRange: false,
  };
  if (!r.bit()) return none; // no VUI
  if (r.bit() && r.bits(8) === 255) r.bits(32); // aspect ratio (+ extended SAR)
  if (r.bit()) r.bit(); // overscan
  if (!r.bit()) return none; // no video_signal_type
  r.bits(3); // video_format
  const fullRange = r.bit() === 1;
  if (!r.bit()) return { ...none, fullRange };
  const colourPrimaries = r.bits(8);
  const transferCharacteristics = r.bits(8);
  const matrixCoefficients = r.bits(8);
  return { matrixCoefficients, colourPrimaries, transferCharacteristics, fullRange };
}

/** The first SPS of an avcC record (AVCDecoderConfigurationRecord), or null. */
export function firstSpsOfAvcC(avcC: Uint8Array): Uint8Array | null {
  if (avcC.length < 8 || avcC[0] !== 1) return null;
  const count = (avcC[5] as number) & 0x1f;
  if (count === 0) return null;
  const len = ((avcC[6] as number) << 8) | (avcC[7] as number);
  return avcC.length >= 8 + len ? avcC.subarray(8, 8 + len) : null;
}
