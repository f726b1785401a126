// Generates the media test videos with ffmpeg (Node only) and records what ffprobe/ffmpeg say about them, so the
// browser tests compare our demux/decode against ffmpeg rather than against numbers we typed in.
// Every video except the special cases carries its own frame number as a 16-bit pattern (see frame-id.ts).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureManifest, VideoFixture } from './fixture-types';

const FFMPEG = process.env.FFMPEG ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE ?? 'ffprobe';

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const ffmpeg = (...args: string[]) => run(FFMPEG, ['-v', 'error', '-y', ...args]);

/** libsvtav1 is fast; Debian has it, other builds may only have libaom. */
let av1Args: string[] | null = null;
function av1(crf: number): string[] {
  av1Args ??= run(FFMPEG, ['-hide_banner', '-encoders']).includes('libsvtav1')
    ? ['-c:v', 'libsvtav1', '-preset', '12']
    : ['-c:v', 'libaom-av1', '-cpu-used', '8', '-row-mt', '1'];
  return [...av1Args, '-crf', String(crf)];
}

/** A lavfi source whose frame n shows n in binary: 8×2 cells, cell k white when bit k of n is set. */
function idSource(width: number, height: number, rate: number | string, seconds: number): string[] {
  const cw = Math.floor(width / 8);
  const ch = Math.floor(height / 2);
  const lum = `if(gte(X\\,${8 * cw})+gte(Y\\,${2 * ch})\\,16\\,if(bitand(floor(N/pow(2\\,floor(X/${cw})+8*floor(Y/${ch})))\\,1)\\,235\\,16))`;
  return [
    '-f',
    'lavfi',
    '-i',
    `color=black:size=${width}x${height}:rate=${rate}:duration=${seconds},format=gray,geq=lum='${lum}':cb=128:cr=128`,
  ];
}

const PATCH_COLORS = ['808080', 'C02020', '20C020', '2020C0', 'E0E040', '40E0E0', 'E040E0', '181818'];
const COLOR_PATCHES = [
  '-f',
  'lavfi',
  '-i',
  PATCH_COLORS.map((c, i) => `color=0x${c}:size=64x64:d=0.2${i === 0 ? ',format=rgb24' : ''}[p${i}];`).join('') +
    '[p0][p1][p2][p3]hstack=4[top];[p4][p5][p6][p7]hstack=4[bot];[top][bot]vstack=2',
];

const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-pix_fmt', 'yuv420p'];

interface Probe {
  codec: string;
  width: number;
  height: number;
  rotationCcw: number;
  avgFps: number;
  times: number[];
}

function probe(file: string): Probe {
  const json = JSON.parse(
    run(FFPROBE, [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height,avg_frame_rate:stream_side_data=rotation:packet=pts_time,flags',
      '-of',
      'json',
      file,
    ]),
  ) as {
    streams: {
      codec_name: string;
      width: number;
      height: number;
      avg_frame_rate: string;
      side_data_list?: { rotation?: number }[];
    }[];
    packets: { pts_time?: string; flags?: string }[];
  };
  const s = json.streams[0];
  if (!s) throw new Error(`ffprobe found no video stream in ${file}`);
  const [num, den] = s.avg_frame_rate.split('/').map(Number) as [number, number];
  const times = json.packets
    .filter((p) => p.pts_time !== undefined && !(p.flags ?? '').includes('D'))
    .map((p) => Number(p.pts_time))
    .sort((a, b) => a - b);
  return {
    codec: s.codec_name,
    width: s.width,
    height: s.height,
    rotationCcw: s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0,
    avgFps: num / den,
    times,
  };
}

/** ffmpeg's own RGB decode of frame `index` (autorotated like ffmpeg does by default). */
function referenceFrame(dir: string, file: string, index: number): { index: number; file: string } {
  const out = `${file}.frame${index}.rgb`;
  ffmpeg(
    '-i',
    join(dir, file),
    '-vf',
    `select=eq(n\\,${index})`,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    join(dir, out),
  );
  return { index, file: out };
}

type Spec =
  | { name: string; make: (out: string, dir: string) => void; kind: 'video' }
  | { name: string; make: (out: string, dir: string) => void; kind: 'error'; code: string };

const SPECS: Spec[] = [
  {
    name: 'h264-bframes.mp4',
    kind: 'video',
    make: (o) => ffmpeg(...idSource(160, 96, 30, 3), ...X264, '-bf', '3', '-g', '30', o),
  },
  {
    name: 'h264-faststart.mov',
    kind: 'video',
    make: (o) => ffmpeg(...idSource(160, 96, 25, 2), ...X264, '-bf', '2', '-g', '12', '-movflags', '+faststart', o),
  },
  {
    name: 'vp9.webm',
    kind: 'video',
    make: (o) =>
      ffmpeg(
        ...idSource(160, 96, 30, 3),
        '-c:v',
        'libvpx-vp9',
        '-crf',
        '20',
        '-b:v',
        '0',
        '-g',
        '30',
        '-deadline',
        'realtime',
        '-cpu-used',
        '8',
        o,
      ),
  },
  { name: 'av1.mkv', kind: 'video', make: (o) => ffmpeg(...idSource(160, 96, 24, 2), ...av1(20), '-g', '24', o) },
  {
    name: 'odd-101x77.webm',
    kind: 'video',
    make: (o) =>
      ffmpeg(
        ...idSource(101, 77, 30, 2),
        '-c:v',
        'libvpx-vp9',
        '-crf',
        '15',
        '-b:v',
        '0',
        '-g',
        '20',
        '-deadline',
        'realtime',
        '-cpu-used',
        '8',
        o,
      ),
  },
  {
    name: 'rotated-90.mp4',
    kind: 'video',
    make: (o, d) => {
      ffmpeg(...idSource(160, 96, 30, 1), ...X264, '-g', '30', join(d, 'rot-src.mp4'));
      ffmpeg('-i', join(d, 'rot-src.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', o);
    },
  },
  {
    name: 'vfr.mp4',
    kind: 'video',
    // 60 frames at 30 fps, then 30 frames at 10 fps: 2 s + 3 s.
    make: (o) =>
      ffmpeg(
        ...idSource(160, 96, 30, 3),
        '-vf',
        "setpts='if(lt(N\\,60)\\,N/30\\,2+(N-60)/10)/TB'",
        '-fps_mode',
        'vfr',
        ...X264,
        '-bf',
        '2',
        '-g',
        '30',
        '-video_track_timescale',
        '90000',
        o,
      ),
  },
  {
    name: 'fragmented.mp4',
    kind: 'video',
    make: (o, d) => {
      ffmpeg(...idSource(160, 96, 30, 3), ...X264, '-bf', '3', '-g', '30', join(d, 'frag-src.mp4'));
      ffmpeg('-i', join(d, 'frag-src.mp4'), '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', o);
    },
  },
  {
    name: 'truncated.mp4',
    kind: 'video',
    make: (o) => {
      ffmpeg(...idSource(160, 96, 30, 3), ...X264, '-bf', '3', '-g', '30', '-movflags', '+faststart', o);
      truncateSync(o, Math.floor(statSync(o).size * 0.6));
    },
  },
  {
    name: 'tiny-16x16.mp4',
    kind: 'video',
    make: (o) => ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=16x16:rate=30:duration=2', ...X264, o),
  },
  {
    name: '8k.mp4',
    kind: 'video',
    make: (o) =>
      ffmpeg(
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=7680x4320:rate=30:duration=0.1',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        o,
      ),
  },
  {
    name: 'long-1h.mp4',
    kind: 'video',
    // 60 s of 64×64 with a keyframe every 2 s, repeated 60 times without re-encoding: 108000 frames.
    make: (o, d) => {
      ffmpeg(...idSource(64, 64, 30, 60), ...X264, '-g', '60', '-bf', '2', join(d, 'long-src.mp4'));
      ffmpeg('-stream_loop', '59', '-i', join(d, 'long-src.mp4'), '-c', 'copy', o);
    },
  },
  // Flat 64×64 patches (grey, red, green, blue, yellow, cyan, magenta, dark) for the YUV→RGB comparison.
  {
    name: 'colors.mp4',
    kind: 'video',
    make: (o) => ffmpeg(...COLOR_PATCHES, '-c:v', 'libx264', '-qp', '2', '-pix_fmt', 'yuv420p', o),
  },
  {
    name: 'colors-bt709.mp4',
    kind: 'video',
    make: (o) =>
      ffmpeg(
        ...COLOR_PATCHES,
        '-c:v',
        'libx264',
        '-qp',
        '2',
        '-pix_fmt',
        'yuv420p',
        '-colorspace',
        'bt709',
        '-color_primaries',
        'bt709',
        '-color_trc',
        'bt709',
        o,
      ),
  },
  {
    name: 'colors-vp9.webm',
    kind: 'video',
    make: (o) => ffmpeg(...COLOR_PATCHES, '-c:v', 'libvpx-vp9', '-crf', '4', '-b:v', '0', '-pix_fmt', 'yuv420p', o),
  },
  { name: 'colors-av1.mkv', kind: 'video', make: (o) => ffmpeg(...COLOR_PATCHES, ...av1(5), '-pix_fmt', 'yuv420p', o) },
  {
    name: 'wide-2012x10.mp4',
    kind: 'video',
    make: (o) => ffmpeg('-f', 'lavfi', '-i', 'color=gray:size=2012x10:rate=10:duration=1', ...X264, o),
  },
  {
    name: 'hevc.mp4',
    kind: 'error',
    code: 'UNSUPPORTED_CODEC',
    make: (o) =>
      ffmpeg(
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=160x96:rate=30:duration=1',
        '-c:v',
        'libx265',
        '-x265-params',
        'log-level=error',
        '-tag:v',
        'hvc1',
        o,
      ),
  },
  {
    name: 'audio-only.m4a',
    kind: 'error',
    code: 'NO_VIDEO_TRACK',
    make: (o) => ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', o),
  },
  {
    name: 'audio-only.mp4',
    kind: 'error',
    code: 'NO_VIDEO_TRACK',
    make: (o) =>
      ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', '-f', 'mp4', '-brand', 'isom', o),
  },
  {
    name: 'audio-only.webm',
    kind: 'error',
    code: 'NO_VIDEO_TRACK',
    make: (o) => ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libopus', o),
  },
  // `ffmpeg -frames:v 1`: a still picture; Video-R2 needs frames in pairs.
  {
    name: 'one-frame.mp4',
    kind: 'error',
    code: 'TOO_FEW_FRAMES',
    make: (o) => ffmpeg(...idSource(160, 96, 30, 1), ...X264, '-frames:v', '1', o),
  },
  { name: 'empty.mp4', kind: 'error', code: 'EMPTY_FILE', make: (o) => writeFileSync(o, new Uint8Array(0)) },
  {
    name: 'not-a-video.mp4',
    kind: 'error',
    code: 'NOT_A_VIDEO',
    make: (o) => writeFileSync(o, 'This is a text file pretending to be a video.\n'.repeat(20)),
  },
  {
    name: 'no-moov.mp4',
    kind: 'error',
    code: 'CORRUPT_FILE',
    // moov-at-end file cut before its moov: what an interrupted recording looks like.
    make: (o) => {
      ffmpeg(...idSource(160, 96, 30, 1), ...X264, o);
      truncateSync(o, Math.floor(statSync(o).size * 0.5));
    },
  },
  {
    name: 'corrupt.mp4',
    kind: 'error',
    code: 'DECODE_FAILED',
    // Every NAL length prefix in the first keyframe is overwritten with 0xFFFFFFF0 (far past the sample).
    make: (o, d) => {
      ffmpeg(...idSource(160, 96, 30, 1), ...X264, '-g', '30', '-movflags', '+faststart', join(d, 'corrupt-src.mp4'));
      const bytes = readFileSync(join(d, 'corrupt-src.mp4'));
      const mdat = bytes.indexOf(Buffer.from('mdat')) + 4;
      bytes.writeUInt32BE(0xfffffff0, mdat);
      writeFileSync(o, bytes);
    },
  },
];

/** Bumped when specs change; cached fixtures with another version are regenerated. */
function specVersion(): string {
  return createHash('sha256')
    .update(readFileSync(new URL(import.meta.url)))
    .digest('hex')
    .slice(0, 16);
}

const REFERENCE_FRAMES: Record<string, number[]> = {
  'rotated-90.mp4': [0],
  'colors.mp4': [0],
  'colors-bt709.mp4': [0],
  'colors-vp9.webm': [0],
  'colors-av1.mkv': [0],
  'h264-bframes.mp4': [17],
  'odd-101x77.webm': [7],
};

export function generateVideoFixtures(dir: string): FixtureManifest {
  mkdirSync(dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const version = specVersion();
  if (existsSync(manifestPath)) {
    const cached = JSON.parse(readFileSync(manifestPath, 'utf8')) as FixtureManifest;
    if (cached.version === version && cached.videos.every((v) => existsSync(join(dir, v.file)))) return cached;
  }
  const videos: VideoFixture[] = [];
  for (const spec of SPECS) {
    const out = join(dir, spec.name);
    spec.make(out, dir);
    const size = statSync(out).size;
    if (spec.kind === 'error') {
      videos.push({ file: spec.name, size, expectError: spec.code });
      continue;
    }
    const p = probe(out);
    const many = p.times.length > 2000;
    videos.push({
      file: spec.name,
      size,
      codec: p.codec,
      width: p.width,
      height: p.height,
      rotationCcw: p.rotationCcw,
      avgFps: p.avgFps,
      frameCount: p.times.length,
      times: many ? p.times.slice(0, 100) : p.times,
      referenceFrames: (REFERENCE_FRAMES[spec.name] ?? []).map((i) => referenceFrame(dir, spec.name, i)),
    });
  }
  const manifest: FixtureManifest = { version, videos };
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return manifest;
}
