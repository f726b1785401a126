// VideoMetadata from a demuxed track, plus the decoder support check with a message that names the codec.

import { MediaError } from './errors';
import { rotatedSize } from './demux/rotation';
import { firstSpsOfAvcC, parseSpsColor } from './demux/h264-sps';
import type { DemuxedVideo } from './demux/types';
import type { VideoMetadata } from './types';

const CODEC_NAMES: [RegExp, string][] = [
  [/^(avc1|avc3)/, 'H.264'],
  [/^(hvc1|hev1)/, 'HEVC (H.265)'],
  [/^(vp09|vp9)/, 'VP9'],
  [/^(vp08|vp8)/, 'VP8'],
  [/^av01/, 'AV1'],
  [/^mp4v/, 'MPEG-4 Part 2'],
  [/^(dvh1|dvhe|dav1)/, 'Dolby Vision'],
  [/^(apch|apcn|apcs|apco|ap4h)/, 'Apple ProRes'],
];

export function codecName(codec: string): string {
  return CODEC_NAMES.find(([re]) => re.test(codec))?.[1] ?? codec.split('.')[0] ?? codec;
}

export function describeVideo(video: DemuxedVideo, fileName: string, fileSize: number): VideoMetadata {
  const first = video.table.decodeIndexOfFrame[0];
  const display = rotatedSize(video.codedWidth, video.codedHeight, video.rotation);
  return {
    fileName,
    fileSize,
    container: video.container,
    containerLabel: video.containerLabel,
    codec: video.codec,
    codecName: codecName(video.codec),
    codedWidth: video.codedWidth,
    codedHeight: video.codedHeight,
    rotation: video.rotation,
    width: display.width,
    height: display.height,
    durationSeconds: video.timing.durationSeconds,
    frameCount: video.timing.frameCount,
    averageFps: video.timing.averageFps,
    variableFrameRate: video.timing.variableFrameRate,
    keyframeCount: video.timing.keyframeCount,
    firstFrameTime: first === undefined ? 0 : (video.table.pts[first] as number),
    warnings: [...video.warnings],
  };
}

/** What swscale (ffmpeg, decord) assumes for video that does not say: BT.601, limited range. */
const FFMPEG_UNTAGGED: VideoColorSpaceInit = {
  matrix: 'smpte170m',
  primaries: 'smpte170m',
  transfer: 'smpte170m',
  fullRange: false,
};

/**
 * The colour space to force on the decoder, if any. WebCodecs lets `config.colorSpace` override the bitstream,
 * so we only set it when the stream is silent: Chromium then treats untagged H.264 as BT.709 (up to 23 levels
 * off on saturated colours) while ffmpeg uses BT.601. Untagged VP9/AV1 already decode as BT.601 in Chromium.
 */
export function colorSpaceOverride(video: DemuxedVideo): VideoColorSpaceInit | undefined {
  if (video.colorSpace?.matrix) return video.colorSpace;
  if (!/^avc[13]\./.test(video.codec) || !video.description) return video.colorSpace;
  const sps = firstSpsOfAvcC(video.description);
  if (!sps) return video.colorSpace;
  try {
    const info = parseSpsColor(sps);
    if (info.matrixCoefficients !== null && info.matrixCoefficients !== 2) return video.colorSpace;
    return { ...FFMPEG_UNTAGGED, fullRange: info.fullRange };
  } catch {
    return video.colorSpace;
  }
}

export function decoderConfig(video: DemuxedVideo): VideoDecoderConfig {
  const config: VideoDecoderConfig = {
    codec: video.codec,
    codedWidth: video.codedWidth,
    codedHeight: video.codedHeight,
    optimizeForLatency: true,
  };
  if (video.description) config.description = video.description;
  const colorSpace = colorSpaceOverride(video);
  if (colorSpace) config.colorSpace = colorSpace;
  return config;
}

/** Chromium's media::limits::kMaxDimension: no decoder takes a larger side. */
export const MAX_FRAME_SIDE = 16384;

/** What is wrong with the track's header before any decoder is asked, or null. Damage, not codec support. */
export function headerProblem(video: DemuxedVideo, fileName: string): MediaError | null {
  const { codedWidth: w, codedHeight: h } = video;
  if (!(w > 0 && h > 0 && w <= MAX_FRAME_SIDE && h <= MAX_FRAME_SIDE)) {
    return new MediaError(
      'CORRUPT_FILE',
      `"${fileName}" declares a frame size of ${w}×${h}, which is impossible (each side must be 1–${MAX_FRAME_SIDE} pixels): its header is damaged.`,
      `coded size ${w}×${h}`,
    );
  }
  if (video.container === 'mp4' && /^avc1/.test(video.codec)) {
    const d = video.description;
    if (!d)
      return new MediaError(
        'CORRUPT_FILE',
        `"${fileName}" is H.264 but has no decoder configuration (its avcC box is missing or unreadable), so its frames cannot be decoded.`,
      );
    if (d.length < 7 || d[0] !== 1 || !firstSpsOfAvcC(d)) {
      return new MediaError(
        'CORRUPT_FILE',
        `"${fileName}" is H.264 but its decoder configuration (avcC, ${d.length} bytes) is damaged: ${d.length < 7 ? 'it is too short' : d[0] !== 1 ? `its version is ${d[0]}, not 1` : 'it holds no readable sequence parameter set'}.`,
      );
    }
  }
  return null;
}

/** Throws UNSUPPORTED_CODEC (naming the codec) unless this browser's VideoDecoder accepts the track. */
export async function assertDecodable(video: DemuxedVideo, fileName: string): Promise<VideoDecoderConfig> {
  if (typeof VideoDecoder === 'undefined' || typeof EncodedVideoChunk === 'undefined') {
    throw new MediaError(
      'WEBCODECS_UNAVAILABLE',
      'This browser has no WebCodecs VideoDecoder. Use a current Chrome, Edge or another Chromium-based browser.',
    );
  }
  const damage = headerProblem(video, fileName);
  if (damage) throw damage;
  const config = decoderConfig(video);
  const name = codecName(video.codec);
  const advice =
    'Re-encode it to H.264, VP9 or AV1, for example: ffmpeg -i input -c:v libx264 -crf 18 -pix_fmt yuv420p output.mp4';
  let supported: boolean;
  try {
    supported = (await VideoDecoder.isConfigSupported(config)).supported === true;
  } catch (e) {
    throw new MediaError(
      'UNSUPPORTED_CODEC',
      `"${fileName}" uses ${name} (${video.codec}), which this browser cannot decode. ${advice}`,
      String(e),
    );
  }
  if (!supported) {
    throw new MediaError(
      'UNSUPPORTED_CODEC',
      `"${fileName}" uses ${name} (${video.codec}), which this browser cannot decode. ${advice}`,
      `${video.codedWidth}×${video.codedHeight}`,
    );
  }
  return config;
}
