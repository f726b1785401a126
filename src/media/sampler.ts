// One sampling job inside the worker: plan → decode only the needed GOPs → RGBA → rotation → burn-in → emit,
// one frame at a time (the emit callback applies backpressure, so memory stays bounded at 8K).

import { MediaError } from './errors';
import { burnSubtitle, burnTimestamp, loadBurnInFont } from './burn-in/render';
import { planDecodeRuns } from './decode/decode-plan';
import { decodeFrames, webCodecsDecoder, type DecodeStats, type DecoderFactory } from './decode/frame-decoder';
import type { FrameLedger } from './decode/frame-ledger';
import type { DemuxedVideo } from './demux/types';
import { frameToRgba, rotateRgba, type ConversionPath } from './frame-pixels';
import { planSampling, type SamplingPlan } from './plan';
import { formatHhMmSs, referenceTimeOf } from './sampling';
import { SubtitleIndex } from './subtitles';
import type { SampledFrame, SampleRequest, SampleSummary, VideoMetadata } from './types';

export interface SampleJob {
  video: DemuxedVideo;
  meta: VideoMetadata;
  decoderConfig: VideoDecoderConfig;
  request: SampleRequest;
  fontUrl: string;
  ledger: FrameLedger;
  signal: AbortSignal;
  watchdogMs: number;
  /** Substitute decoder (tests); defaults to WebCodecs with `decoderConfig`. */
  createDecoder?: DecoderFactory;
  onPlan(plan: SamplingPlan): void;
  /** Resolves when the receiver has room for another frame. */
  onFrame(frame: SampledFrame, transfer: ArrayBuffer): Promise<void>;
  onProgress(framesDelivered: number, framesDecoded: number): void;
}

export function planFor(meta: VideoMetadata, request: SampleRequest): SamplingPlan {
  const size = request.applyRotation
    ? { width: meta.width, height: meta.height }
    : { width: meta.codedWidth, height: meta.codedHeight };
  return planSampling({ totalFrames: meta.frameCount, averageFps: meta.averageFps, ...size }, request);
}

/** Subtitle text per ordinal, looked up in the reference's order (ascending source index). */
function subtitleTexts(plan: SamplingPlan, request: SampleRequest): (string | null)[] {
  if (!request.subtitles?.length) return plan.indices.map(() => null);
  const index = new SubtitleIndex(request.subtitles);
  return plan.indices.map((i) => index.textAt(referenceTimeOf(i, plan.videoFps)));
}

export async function runSampleJob(job: SampleJob): Promise<SampleSummary> {
  const t0 = performance.now();
  const { video, request, plan } = { ...job, plan: planFor(job.meta, job.request) };
  job.onPlan(plan);
  if (request.burnTimestamps || request.subtitles?.length) await loadBurnInFont(job.fontUrl);

  const runs = planDecodeRuns(video.table, plan.indices);
  const ordinalsOf = new Map<number, number[]>();
  plan.indices.forEach((frame, ordinal) => ordinalsOf.set(frame, [...(ordinalsOf.get(frame) ?? []), ordinal]));
  const subtitles = subtitleTexts(plan, request);
  const stats: DecodeStats = { samplesFed: 0, framesDecoded: 0 };
  let conversion: ConversionPath | null = null;
  let delivered = 0;
  let expectedOrdinal = 0;

  const frames = decodeFrames(
    video,
    job.createDecoder ?? webCodecsDecoder(job.decoderConfig),
    runs,
    {
      signal: job.signal,
      ledger: job.ledger,
      watchdogMs: job.watchdogMs,
      onDecoded: (n) => job.onProgress(delivered, n),
    },
    stats,
  );
  for await (const { frameIndex, frame } of frames) {
    let image;
    try {
      image = await frameToRgba(frame);
    } finally {
      job.ledger.close(frame);
    }
    conversion = image.path;
    const shown = request.applyRotation ? rotateRgba(image, video.rotation) : image;
    const ordinals = ordinalsOf.get(frameIndex) ?? [];
    if (ordinals[0] !== undefined && ordinals[0] !== expectedOrdinal) {
      // On a valid file the decoder returns pictures in the container's presentation order. When it does not, the
      // timing table contradicts the video data (e.g. one sample claims a time hours away from its neighbours).
      const expectedFrame = plan.indices[expectedOrdinal];
      throw new MediaError(
        'CORRUPT_FILE',
        `The file's timing table contradicts its video data: the decoder returned frame ${frameIndex} before frame ${expectedFrame ?? '?'}, so the frame times cannot be trusted. The file is damaged; re-encode or remux it (e.g. ffmpeg -i input -c copy output.mp4).`,
        `ordinal ${ordinals[0]} arrived, expected ${expectedOrdinal}`,
      );
    }
    expectedOrdinal += ordinals.length;
    for (const [k, ordinal] of ordinals.entries()) {
      const rgba = k === ordinals.length - 1 ? shown.data : shown.data.slice();
      const referenceTime = referenceTimeOf(frameIndex, plan.videoFps);
      if (request.burnTimestamps) burnTimestamp(rgba, shown.width, shown.height, formatHhMmSs(referenceTime));
      const subtitle = subtitles[ordinal];
      if (subtitle) burnSubtitle(rgba, shown.width, shown.height, subtitle);
      const d = video.table.decodeIndexOfFrame[frameIndex] as number;
      const out: SampledFrame = {
        ordinal,
        sourceIndex: frameIndex,
        referenceTime,
        presentationTime: video.table.pts[d] as number,
        width: shown.width,
        height: shown.height,
        rgba: rgba.buffer as ArrayBuffer,
      };
      delivered++;
      job.onProgress(delivered, stats.framesDecoded);
      await job.onFrame(out, out.rgba);
    }
  }
  return {
    plan,
    stats: {
      samplesFed: stats.samplesFed,
      samplesSkipped: stats.samplesSkipped ?? 0,
      framesDecoded: stats.framesDecoded,
      runs: runs.length,
      conversion,
      elapsedMs: performance.now() - t0,
    },
  };
}
