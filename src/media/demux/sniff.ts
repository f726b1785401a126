// Decide from the first bytes which demuxer to use, and name what we got when it is not a video we can read.

import { MediaError } from '../errors';
import { fourcc, isPrintableFourcc } from './blob-reader';

export type SniffResult = { kind: 'mp4'; quicktime: boolean } | { kind: 'ebml' };

const ISO_TOP_LEVEL = new Set([
  'ftyp',
  'moov',
  'mdat',
  'free',
  'skip',
  'wide',
  'pnot',
  'styp',
  'sidx',
  'moof',
  'uuid',
  'pdin',
  'meta',
]);

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  return sig.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** Names of formats people drop by mistake, so the error can say what the file is. */
function recognise(bytes: Uint8Array): { what: string; audio: boolean } | null {
  if (
    startsWith(bytes, [0x49, 0x44, 0x33]) ||
    (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0 && bytes.length > 1)
  )
    return { what: 'an MP3 audio file', audio: true };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return { what: 'a WAV audio file', audio: true };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'AVI ')
    return { what: 'an AVI video (not supported: convert it to MP4 or WebM)', audio: false };
  if (ascii(bytes, 0, 4) === 'OggS') return { what: 'an Ogg file (not supported)', audio: true };
  if (ascii(bytes, 0, 4) === 'fLaC') return { what: 'a FLAC audio file', audio: true };
  if (ascii(bytes, 0, 3) === 'FLV')
    return { what: 'a Flash video (FLV, not supported: convert it to MP4 or WebM)', audio: false };
  if (bytes[0] === 0x47 && bytes[188] === 0x47)
    return {
      what: 'an MPEG transport stream (.ts, not supported: remux it to MP4 with `ffmpeg -i in.ts -c copy out.mp4`)',
      audio: false,
    };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return { what: 'a PNG image', audio: false };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { what: 'a JPEG image', audio: false };
  if (ascii(bytes, 0, 3) === 'GIF') return { what: 'a GIF image', audio: false };
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return { what: 'a PDF document', audio: false };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { what: 'a ZIP archive', audio: false };
  return null;
}

/** `head` is the first bytes of the file (at least 16; 256 recommended). */
export function sniffContainer(head: Uint8Array, fileName: string, fileSize: number): SniffResult {
  if (fileSize === 0) throw new MediaError('EMPTY_FILE', `"${fileName}" is empty (0 bytes).`);
  if (head.length >= 8) {
    const type = fourcc(head, 4);
    if (ISO_TOP_LEVEL.has(type)) {
      const brand = type === 'ftyp' ? fourcc(head, 8) : '';
      if (brand === 'M4A ' || brand === 'M4B ' || brand === 'M4P ') {
        throw new MediaError(
          'NO_VIDEO_TRACK',
          `"${fileName}" is an MPEG-4 audio file (brand ${brand.trim()}): it has no video.`,
        );
      }
      return { kind: 'mp4', quicktime: brand === 'qt  ' };
    }
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return { kind: 'ebml' };
  const known = recognise(head);
  if (known) {
    throw new MediaError(
      known.audio ? 'NO_VIDEO_TRACK' : 'NOT_A_VIDEO',
      `"${fileName}" is ${known.what}, not a video we can read. Use MP4, MOV, M4V, WebM or MKV.`,
    );
  }
  // Only call it a box when the first 4 bytes are a plausible box size too (text files have printable bytes 4–7).
  const size = head.length >= 8 ? ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0 : 0;
  const boxLike = size === 1 || (size >= 8 && size <= fileSize);
  const hint =
    boxLike && isPrintableFourcc(fourcc(head, 4)) ? ` (it starts with an unknown "${fourcc(head, 4)}" box)` : '';
  throw new MediaError(
    'NOT_A_VIDEO',
    `"${fileName}" is not a video file we recognise${hint}. Use MP4, MOV, M4V, WebM or MKV.`,
  );
}
