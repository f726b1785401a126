// Samples the decoder may skip: H.264 pictures whose slices all have nal_ref_idc = 0 are never used as
// references, so when such a picture is not one we want, feeding it is wasted work. With x264's default three
// B-frames this skips about a third of each GOP on the way to a target. Anything unparseable is fed.

import type { DemuxedVideo } from '../demux/types';

/** True when an AVCC (length-prefixed) sample holds only non-reference, non-IDR slices. */
export function isNonReferenceAvcSample(data: Uint8Array, lengthSize: number): boolean {
  let i = 0;
  let slices = 0;
  while (i + lengthSize <= data.length) {
    let len = 0;
    for (let k = 0; k < lengthSize; k++) len = len * 256 + (data[i + k] as number);
    i += lengthSize;
    if (len === 0 || i + len > data.length) return false;
    const header = data[i] as number;
    const type = header & 0x1f;
    if (type === 5) return false;
    if (type === 1) {
      if (header & 0x60) return false;
      slices++;
    }
    i += len;
  }
  return slices > 0 && i === data.length;
}

/** A test for skippable samples of this track, or null when the codec gives no such guarantee. */
export function disposableSampleTest(video: DemuxedVideo): ((data: Uint8Array) => boolean) | null {
  const avcC = video.description;
  if (!/^avc[13]\./.test(video.codec) || !avcC || avcC.length < 5 || avcC[0] !== 1) return null;
  const lengthSize = ((avcC[4] as number) & 3) + 1;
  return (data) => isNonReferenceAvcSample(data, lengthSize);
}
