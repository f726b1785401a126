// MP4 / MOV / M4V through mp4box. We walk the top-level boxes ourselves and hand mp4box everything except
// media data (only each mdat's header), so a moov at the end, fragmented files (moof after moof) and multi-GB
// files all parse while holding only the index in memory. Sample bytes are read later by offset.

import { createFile, DataStream, Endianness, MP4BoxBuffer, type ISOFile, type Sample, type Track } from 'mp4box';
import { MediaError } from '../errors';
import { fourcc, isPrintableFourcc, readBytes, throwIfAborted } from './blob-reader';
import { INT_MAX, reducedRatio } from './av-rational';
import { interpretEditList, presentSample, type EditEntry } from './edit-list';
import { buildSampleTable, summariseTiming, type RawSample } from './sample-table';
import type { DemuxedVideo, EncodedSample, ProgressFn, Rotation } from './types';
import { rotationFromMatrix } from './rotation';
import { assertTimescale, checkTiming, type HeaderClaims } from './timing-sanity';

interface WalkResult {
  sawMoov: boolean;
  sawMdat: boolean;
  warnings: string[];
}

/** Feeds every top-level box except media payloads to mp4box. */
async function walkBoxes(file: Blob, mp4: ISOFile, onProgress: ProgressFn, signal: AbortSignal): Promise<WalkResult> {
  const warnings: string[] = [];
  let pos = 0;
  let sawMoov = false;
  let sawMdat = false;
  while (pos + 8 <= file.size) {
    throwIfAborted(signal);
    const head = await readBytes(file, pos, pos + 16);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const type = fourcc(head, 4);
    let size = view.getUint32(0);
    let headerSize = 8;
    if (size === 1) {
      if (head.length < 16) break;
      size = Number(view.getBigUint64(8));
      headerSize = 16;
    } else if (size === 0) {
      size = file.size - pos;
    }
    if (!isPrintableFourcc(type) || size < headerSize) {
      if (pos === 0)
        throw new MediaError(
          'CORRUPT_FILE',
          'The MP4 structure is broken at its very first box.',
          `box "${type}" size ${size}`,
        );
      warnings.push(`Ignored ${file.size - pos} bytes of unreadable data at byte ${pos}.`);
      break;
    }
    const end = pos + size;
    if (type === 'mdat') {
      sawMdat = true;
      mp4.appendBuffer(MP4BoxBuffer.fromArrayBuffer(head.slice(0, headerSize).buffer, pos));
    } else {
      if (end > file.size) {
        if (type === 'moov') {
          throw new MediaError(
            'CORRUPT_FILE',
            `The file is truncated inside its movie header (moov needs ${size} bytes at byte ${pos}, the file ends at ${file.size}).`,
          );
        }
        warnings.push(`The last box ("${type}") is cut off at byte ${file.size}; ignored.`);
        break;
      }
      if (type === 'moov') sawMoov = true;
      const body = await readBytes(file, pos, end);
      mp4.appendBuffer(MP4BoxBuffer.fromArrayBuffer(body.buffer, pos));
    }
    pos = end;
    onProgress(Math.min(1, pos / file.size));
  }
  mp4.flush();
  return { sawMoov, sawMdat, warnings };
}

interface CodecConfigBox {
  write(stream: DataStream): void;
}

/** The avcC / hvcC payload WebCodecs wants as `description` (the box without its 8-byte header). */
function codecDescription(mp4: ISOFile, track: Track): Uint8Array | undefined {
  const entry = mp4.getTrackById(track.id).mdia.minf.stbl.stsd.entries[0] as unknown as Record<
    string,
    CodecConfigBox | undefined
  >;
  const box = entry['avcC'] ?? entry['hvcC'];
  if (!box) return undefined;
  const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
  box.write(stream);
  return new Uint8Array(stream.buffer, 8);
}

function editEntries(mp4: ISOFile, track: Track): EditEntry[] | undefined {
  const elst = mp4.getTrackById(track.id).edts?.elst;
  return elst?.entries.map((e) => ({
    segmentDuration: e.segment_duration,
    mediaTime: e.media_time,
    mediaRateInteger: e.media_rate_integer,
  }));
}

/**
 * libavformat's mov avg_frame_rate: av_reduce(timescale · frames, Σ stts durations, INT_MAX) over every sample
 * in stts (edit lists and truncation do not change it), plus the durations of samples from movie fragments.
 */
function ffmpegAverageFps(mp4: ISOFile, track: Track, allSamples: Sample[]): number {
  const stts = mp4.getTrackById(track.id).mdia.minf.stbl.stts;
  let frames = 0;
  let ticks = 0;
  stts?.sample_counts.forEach((count, i) => {
    frames += count;
    ticks += count * (stts.sample_deltas[i] ?? 0);
  });
  for (const s of allSamples.slice(frames)) {
    frames++;
    ticks += s.duration;
  }
  return ticks > 0 ? reducedRatio(track.timescale * frames, ticks, INT_MAX) : 0;
}

/**
 * Truncated files: keeps samples up to and including the first one that runs past the end of the file (cut to
 * the bytes present — ffmpeg, and so decord, still returns that packet and counts its frame) and drops the rest.
 */
function availableSamples(samples: Sample[], fileSize: number, fileName: string, warnings: string[]): Sample[] {
  const firstMissing = samples.findIndex((s) => s.offset + s.size > fileSize);
  if (firstMissing < 0) return samples;
  const partial = samples[firstMissing] as Sample;
  if (partial.size > fileSize) {
    // Not a cut-off file: a sample cannot be larger than the whole file.
    throw new MediaError(
      'CORRUPT_FILE',
      `"${fileName}" is damaged: its sample size table (stsz) says frame ${firstMissing} is ${partial.size.toLocaleString('en-US')} bytes, more than the whole file (${fileSize.toLocaleString('en-US')} bytes).`,
    );
  }
  const keep = partial.offset < fileSize ? firstMissing + 1 : firstMissing;
  if (keep === 0)
    throw new MediaError(
      'CORRUPT_FILE',
      `The file is truncated: it ends at byte ${fileSize}, before the data of its first frame.`,
    );
  warnings.push(
    `The file is truncated: only ${keep} of ${samples.length} frames are present (the last one partly); sampling uses those.`,
  );
  const kept = samples.slice(0, keep);
  if (keep > firstMissing) kept[firstMissing] = { ...partial, size: fileSize - partial.offset };
  return kept;
}

export async function demuxMp4(
  file: Blob,
  fileName: string,
  quicktime: boolean,
  onProgress: ProgressFn,
  signal: AbortSignal,
): Promise<DemuxedVideo> {
  const mp4 = createFile(false);
  let parseError: string | null = null;
  mp4.onError = (module: string, message: string) => {
    parseError = `${module}: ${message}`;
  };
  const walk = await walkBoxes(file, mp4, onProgress, signal);
  const info = mp4.getInfo();
  if (!walk.sawMoov || !info.hasMoov) {
    throw new MediaError(
      'CORRUPT_FILE',
      walk.sawMdat
        ? `"${fileName}" has video data but no movie header (moov): it is incomplete, e.g. a recording that was cut off or a download that did not finish.`
        : `"${fileName}" has no movie header (moov): it is not a complete MP4.`,
      parseError ?? undefined,
    );
  }
  const track = info.videoTracks[0];
  if (!track) {
    const audio = info.audioTracks.length;
    throw new MediaError(
      'NO_VIDEO_TRACK',
      `"${fileName}" has no video track${audio ? ` (only ${audio} audio track${audio > 1 ? 's' : ''})` : ''}.`,
    );
  }
  const warnings = [...walk.warnings];
  const allSamples = mp4.getTrackSamplesInfo(track.id);
  if (allSamples.length === 0)
    throw new MediaError(
      'CORRUPT_FILE',
      `The video track of "${fileName}" has no frames (its sample tables are empty).`,
    );
  if (!walk.sawMdat) {
    throw new MediaError(
      'CORRUPT_FILE',
      `"${fileName}" has no media data (no mdat box): it holds the index of ${allSamples.length.toLocaleString('en-US')} frames but not the frames themselves.`,
    );
  }
  const samples = availableSamples(allSamples, file.size, fileName, warnings);

  assertTimescale(fileName, track.timescale);
  const mapping = interpretEditList(editEntries(mp4, track), info.timescale, track.timescale);
  warnings.push(...mapping.warnings);
  const raw: RawSample[] = samples.map((s) => {
    const { pts, visible } = presentSample(mapping, s.cts, track.timescale);
    return { isKey: s.is_sync, pts, duration: s.duration / track.timescale, visible };
  });
  const table = buildSampleTable(raw);
  if (table.decodeIndexOfFrame.length === 0)
    throw new MediaError('CORRUPT_FILE', `The edit list of "${fileName}" hides every frame.`);
  if (!table.isKey[0])
    throw new MediaError(
      'CORRUPT_FILE',
      `The first frame of "${fileName}" is not a keyframe, so nothing can be decoded.`,
    );
  const claims: HeaderClaims = { timescale: track.timescale };
  if (samples.length === allSamples.length) {
    // Header durations are only comparable when no frames were cut off.
    claims.durations = [
      { name: 'movie header (mvhd)', seconds: info.duration / info.timescale },
      { name: 'media header (mdhd)', seconds: track.duration / track.timescale },
    ];
  }
  const timing = checkTiming(
    fileName,
    table,
    summariseTiming(table, ffmpegAverageFps(mp4, track, allSamples), 1 / track.timescale),
    claims,
    warnings,
  );

  const offsets = Float64Array.from(samples, (s) => s.offset);
  const sizes = Uint32Array.from(samples, (s) => s.size);
  const rotation: Rotation = rotationFromMatrix(Array.from(track.matrix), warnings);
  const description = codecDescription(mp4, track);
  const entry = mp4.getTrackById(track.id).mdia.minf.stbl.stsd.entries[0] as unknown as {
    width?: number;
    height?: number;
  };

  return {
    container: 'mp4',
    containerLabel: quicktime ? 'QuickTime' : 'MP4',
    codec: track.codec,
    description,
    codedWidth: entry.width ?? track.video?.width ?? 0,
    codedHeight: entry.height ?? track.video?.height ?? 0,
    rotation,
    colorSpace: undefined,
    table,
    timing,
    warnings,
    readSamples: (from, to, sig) => readByOffset(file, offsets, sizes, table.isKey, from, to, sig),
    dispose: () => undefined,
  };
}

/** Reads samples in decode order, coalescing nearby samples into one read of at most 8 MiB. */
async function* readByOffset(
  file: Blob,
  offsets: Float64Array,
  sizes: Uint32Array,
  isKey: Uint8Array,
  from: number,
  to: number,
  signal: AbortSignal,
): AsyncGenerator<EncodedSample> {
  const MAX_READ = 8 << 20;
  const MAX_GAP = 1 << 20;
  let i = from;
  while (i <= to) {
    throwIfAborted(signal);
    const start = offsets[i] as number;
    let end = start + (sizes[i] as number);
    let j = i + 1;
    while (j <= to) {
      const o = offsets[j] as number;
      const e = o + (sizes[j] as number);
      if (o < start || o - end > MAX_GAP || Math.max(end, e) - start > MAX_READ) break;
      end = Math.max(end, e);
      j++;
    }
    const bytes = await readBytes(file, start, end);
    for (let k = i; k < j; k++) {
      const o = (offsets[k] as number) - start;
      yield { decodeIndex: k, isKey: isKey[k] === 1, data: bytes.subarray(o, o + (sizes[k] as number)) };
    }
    i = j;
  }
}
