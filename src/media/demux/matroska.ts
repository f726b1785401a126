// WebM / MKV through mediabunny: a first pass reads every block header (no payloads) to build the sample table,
// later reads fetch payloads from a keyframe forward.

import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input, type EncodedPacket } from 'mediabunny';
import { MediaError } from '../errors';
import { reducedRatio } from './av-rational';
import { readBytes, throwIfAborted } from './blob-reader';
import { safeMatroskaExtent } from './ebml-guard';
import { firstVideoDefaultDuration } from './matroska-tracks';
import { buildSampleTable, summariseTiming } from './sample-table';
import { checkTiming } from './timing-sanity';
import type { DemuxedVideo, EncodedSample, ProgressFn, Rotation } from './types';

export async function demuxMatroska(
  file: Blob,
  fileName: string,
  onProgress: ProgressFn,
  signal: AbortSignal,
): Promise<DemuxedVideo> {
  const extent = await safeMatroskaExtent(file);
  const input = new Input({
    source: new BlobSource(extent.end < file.size ? file.slice(0, extent.end) : file),
    formats: ALL_FORMATS,
  });
  try {
    const format = await input.getFormat().catch((e: unknown) => {
      throw new MediaError(
        'CORRUPT_FILE',
        `"${fileName}" starts like a WebM/MKV file but its header cannot be read.`,
        String(e),
      );
    });
    const track = await input.getPrimaryVideoTrack();
    if (!track) {
      const audio = (await input.getAudioTracks()).length;
      throw new MediaError(
        'NO_VIDEO_TRACK',
        `"${fileName}" has no video track${audio ? ` (only ${audio} audio track${audio > 1 ? 's' : ''})` : ''}.`,
      );
    }
    const codecName = await track.getCodec();
    const config = await track.getDecoderConfig();
    if (!config) {
      const id = await track.getInternalCodecId();
      throw new MediaError(
        'UNSUPPORTED_CODEC',
        `"${fileName}" uses a video codec this app cannot read (${codecName ?? String(id)}). Re-encode it to H.264, VP9 or AV1.`,
      );
    }
    const sink = new EncodedPacketSink(track);
    const packets: EncodedPacket[] = [];
    const totalSeconds = await input.computeDuration().catch(() => 0);
    for await (const p of sink.packets(undefined, undefined, { metadataOnly: true })) {
      throwIfAborted(signal);
      packets.push(p);
      if (totalSeconds > 0 && packets.length % 256 === 0) onProgress(Math.min(0.99, p.timestamp / totalSeconds));
    }
    onProgress(1);
    if (packets.length === 0) throw new MediaError('CORRUPT_FILE', `The video track of "${fileName}" has no frames.`);
    const table = buildSampleTable(
      packets.map((p) => ({ isKey: p.type === 'key', pts: p.timestamp, duration: p.duration, visible: true })),
    );
    if (!table.isKey[0])
      throw new MediaError(
        'CORRUPT_FILE',
        `The first frame of "${fileName}" is not a keyframe, so nothing can be decoded.`,
      );
    const warnings: string[] = extent.warning ? [extent.warning] : [];
    const rotation = (await track.getRotation()) as Rotation;
    if (await track.getFlip()) warnings.push('The video asks to be mirrored; mirroring is not applied.');
    return {
      container: format.name === 'WebM' ? 'webm' : 'matroska',
      containerLabel: format.name,
      codec: config.codec,
      description: toBytes(config.description),
      codedWidth: config.codedWidth ?? (await track.getCodedWidth()),
      codedHeight: config.codedHeight ?? (await track.getCodedHeight()),
      rotation,
      colorSpace: config.colorSpace,
      table,
      timing: checkTiming(fileName, table, summariseTiming(table, await matroskaAverageFps(file)), {}, warnings),
      warnings,
      readSamples: (from, to, sig) => readPackets(sink, packets, from, to, sig),
      dispose: () => input.dispose(),
    };
  } catch (e) {
    input.dispose();
    throw e;
  }
}

/** libavformat: avg_frame_rate = av_reduce(1e9, DefaultDuration, 30000) when the track has a DefaultDuration. */
async function matroskaAverageFps(file: Blob): Promise<number | undefined> {
  const ns = firstVideoDefaultDuration(await readBytes(file, 0, 1 << 20));
  return ns ? reducedRatio(1e9, ns, 30000) : undefined;
}

function toBytes(source: AllowSharedBufferSource | undefined): Uint8Array | undefined {
  if (!source) return undefined;
  return ArrayBuffer.isView(source)
    ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
    : new Uint8Array(source);
}

async function* readPackets(
  sink: EncodedPacketSink,
  index: readonly EncodedPacket[],
  from: number,
  to: number,
  signal: AbortSignal,
): AsyncGenerator<EncodedSample> {
  const first = index[from];
  if (!first) return;
  // Position on the same packet with its payload: the key packet at this timestamp, then walk forward.
  let start = await sink.getKeyPacket(first.timestamp);
  if (!start || start.sequenceNumber !== first.sequenceNumber) start = await sink.getPacket(first.timestamp);
  if (!start || start.sequenceNumber !== first.sequenceNumber) {
    throw new MediaError(
      'CORRUPT_FILE',
      `Packet ${from} (at ${first.timestamp.toFixed(3)} s) could not be located again in the file.`,
    );
  }
  let i = from;
  for await (const packet of sink.packets(start)) {
    throwIfAborted(signal);
    if (packet.sequenceNumber !== index[i]?.sequenceNumber) {
      throw new MediaError('CORRUPT_FILE', `The file changed while reading: packet ${i} differs from the index.`);
    }
    yield { decodeIndex: i, isKey: packet.type === 'key', data: packet.data };
    if (++i > to) return;
  }
}
