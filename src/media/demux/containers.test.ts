// Pure container helpers: sniffing, edit lists, display matrices, Matroska DefaultDuration, H.264 VUI colour.

import { describe, expect, it } from 'vitest';
import type { MediaError } from '../errors';
import { interpretEditList, presentSample } from './edit-list';
import { firstSpsOfAvcC, parseSpsColor } from './h264-sps';
import { firstVideoDefaultDuration } from './matroska-tracks';
import { rotatedSize, rotationFromMatrix } from './rotation';
import { sniffContainer } from './sniff';

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return (e as MediaError).code;
  }
};

describe('sniffContainer', () => {
  it('recognises ISO-BMFF and EBML', () => {
    expect(sniffContainer(bytes([0, 0, 0, 24], 'ftypisom', [0, 0, 2, 0]), 'a.mp4', 100)).toEqual({
      kind: 'mp4',
      quicktime: false,
    });
    expect(sniffContainer(bytes([0, 0, 0, 20], 'ftypqt  ', [0, 0, 0, 0]), 'a.mov', 100)).toEqual({
      kind: 'mp4',
      quicktime: true,
    });
    expect(sniffContainer(bytes([0, 0, 0, 8], 'mdat', [0, 0, 0, 0]), 'a.mov', 100).kind).toBe('mp4');
    expect(sniffContainer(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]), 'a.webm', 100)).toEqual({
      kind: 'ebml',
    });
  });
  it('names what it is when it is not a video', () => {
    expect(codeOf(() => sniffContainer(new Uint8Array(0), 'e.mp4', 0))).toBe('EMPTY_FILE');
    expect(codeOf(() => sniffContainer(bytes('ID3', [4, 0, 0, 0, 0, 0]), 'a.mp4', 100))).toBe('NO_VIDEO_TRACK');
    expect(codeOf(() => sniffContainer(bytes([0, 0, 0, 24], 'ftypM4A ', [0, 0, 0, 0]), 'a.m4a', 100))).toBe(
      'NO_VIDEO_TRACK',
    );
    expect(codeOf(() => sniffContainer(bytes([0x89], 'PNG', [13, 10, 26, 10]), 'a.mp4', 100))).toBe('NOT_A_VIDEO');
    expect(codeOf(() => sniffContainer(bytes('hello world, not a video'), 'a.mp4', 100))).toBe('NOT_A_VIDEO');
    expect(() => sniffContainer(bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), 'clip.avi', 100)).toThrow(/AVI/);
  });
  it('calls the start a box only when its size field is plausible', () => {
    // A text file: "This is…" has printable bytes 4–7 (" is ") but a size field of 0x54686973.
    expect(() => sniffContainer(bytes('This is a text file.'), 'notes.mp4', 20)).toThrow(
      /^"notes\.mp4" is not a video file we recognise\. /,
    );
    expect(() => sniffContainer(bytes([0, 0, 0, 16], 'wxyz', [0, 0, 0, 0, 0, 0, 0, 0]), 'odd.mp4', 100)).toThrow(
      /unknown "wxyz" box/,
    );
  });
});

describe('edit lists', () => {
  it('shifts a B-frame track so its first frame is at 0 (ffmpeg: media_time = 2 frames)', () => {
    const m = interpretEditList([{ segmentDuration: 3000, mediaTime: 1024, mediaRateInteger: 1 }], 1000, 15360);
    expect(presentSample(m, 1024, 15360)).toEqual({ pts: 0, visible: true });
    expect(presentSample(m, 1536, 15360).pts).toBeCloseTo(1 / 30, 12);
    expect(presentSample(m, 512, 15360).visible, 'a sample before the edit').toBe(false);
    expect(presentSample(m, 1024 + 46080, 15360).visible, 'a sample after the 3 s edit').toBe(false);
  });
  it('delays by leading empty edits and warns about what it cannot apply', () => {
    const m = interpretEditList(
      [
        { segmentDuration: 500, mediaTime: -1, mediaRateInteger: 1 },
        { segmentDuration: 1000, mediaTime: 0, mediaRateInteger: 1 },
        { segmentDuration: 1000, mediaTime: 9000, mediaRateInteger: 1 },
      ],
      1000,
      90000,
    );
    expect(presentSample(m, 0, 90000).pts).toBe(0.5);
    expect(m.warnings[0]).toContain('2 media segments');
  });
  it('is the identity without edits; segment duration 0 means "to the end"', () => {
    expect(presentSample(interpretEditList(undefined, 1000, 30), 30, 30)).toEqual({ pts: 1, visible: true });
    const toTheEnd = interpretEditList([{ segmentDuration: 0, mediaTime: 2, mediaRateInteger: 1 }], 1000, 30);
    expect(presentSample(toTheEnd, 1e9, 30).visible, 'a late sample under a duration-0 edit').toBe(true);
  });
});

describe('rotationFromMatrix', () => {
  const fixed = (a: number, b: number, c: number, d: number) => [
    a * 65536,
    b * 65536,
    0,
    c * 65536,
    d * 65536,
    0,
    0,
    0,
    1 << 30,
  ];
  it('reads clockwise quarter turns', () => {
    const w: string[] = [];
    expect(rotationFromMatrix(fixed(1, 0, 0, 1), w)).toBe(0);
    expect(rotationFromMatrix(fixed(0, 1, -1, 0), w)).toBe(90);
    expect(rotationFromMatrix(fixed(-1, 0, 0, -1), w)).toBe(180);
    expect(rotationFromMatrix(fixed(0, -1, 1, 0), w)).toBe(270); // what ffmpeg 5.1 writes for `-metadata:s:v rotate=90`
    expect(w).toEqual([]);
  });
  it('warns about mirroring and odd angles', () => {
    const w: string[] = [];
    expect(rotationFromMatrix(fixed(-1, 0, 0, 1), w)).toBe(180);
    expect(rotationFromMatrix(fixed(Math.SQRT1_2, Math.SQRT1_2, -Math.SQRT1_2, Math.SQRT1_2), w)).toBe(0);
    expect(w).toHaveLength(2);
  });
  it('swaps the size for quarter turns', () => {
    expect(rotatedSize(160, 96, 270)).toEqual({ width: 96, height: 160 });
    expect(rotatedSize(160, 96, 180)).toEqual({ width: 160, height: 96 });
  });
});

describe('firstVideoDefaultDuration (Matroska)', () => {
  // EBML header, Segment(unknown size) → Info, Tracks → [audio TrackEntry, video TrackEntry with DefaultDuration].
  const header = [0x1a, 0x45, 0xdf, 0xa3, 0x84, 0x42, 0x86, 0x81, 0x01];
  const segment = [0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
  const info = [0x15, 0x49, 0xa9, 0x66, 0x83, 0x2a, 0xd7, 0xb1];
  const audio = [0xae, 0x86, 0xd7, 0x81, 0x01, 0x83, 0x81, 0x02];
  const video = [0xae, 0x8d, 0xd7, 0x81, 0x02, 0x83, 0x81, 0x01, 0x23, 0xe3, 0x83, 0x84, 0x01, 0xfc, 0xa0, 0x55];
  const tracks = [0x16, 0x54, 0xae, 0x6b, 0x80 | (audio.length + video.length), ...audio, ...video];
  it('finds the video track default duration', () => {
    expect(firstVideoDefaultDuration(Uint8Array.from([...header, ...segment, ...info, ...tracks]))).toBe(0x01fca055); // 33333333 ns
  });
  it('returns null when the first cluster comes before any Tracks, or without a video DefaultDuration', () => {
    const cluster = [0x1f, 0x43, 0xb6, 0x75, 0x80];
    expect(firstVideoDefaultDuration(Uint8Array.from([...header, ...segment, ...cluster]))).toBeNull();
    expect(
      firstVideoDefaultDuration(Uint8Array.from([...header, ...segment, 0x16, 0x54, 0xae, 0x6b, 0x88, ...audio])),
    ).toBeNull();
  });
});

describe('H.264 SPS colour description', () => {
  // avcC records of ffmpeg/x264 encodes: untagged, and with -colorspace/-color_primaries/-color_trc bt709.
  const untagged = hex('0164000cffe100196764000cacd941011b011000000300100000030320f142996001000668ebe0632c8bfdf8f800');
  const bt709 = hex('0164000cffe1001b6764000cacd941011b016a020202800000030080000019078a14cb01000668ebe0632c8bfdf8f800');
  it('reports no matrix for untagged x264 output', () => {
    const sps = firstSpsOfAvcC(untagged);
    expect(sps?.[0]).toBe(0x67);
    expect(parseSpsColor(sps as Uint8Array)).toEqual({
      matrixCoefficients: null,
      colourPrimaries: null,
      transferCharacteristics: null,
      fullRange: false,
    });
  });
  it('reads BT.709 (1, 1, 1) from a tagged stream', () => {
    expect(parseSpsColor(firstSpsOfAvcC(bt709) as Uint8Array)).toEqual({
      matrixCoefficients: 1,
      colourPrimaries: 1,
      transferCharacteristics: 1,
      fullRange: false,
    });
  });
  it('rejects records that are not avcC', () => {
    expect(firstSpsOfAvcC(Uint8Array.from([0, 1, 2]))).toBeNull();
  });
});
