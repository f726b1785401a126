// Runs in the bench page (bench/media/run.mjs drives it): time to get 32 sampled frames as RGBA pixels
// (1) through our media worker (demux + WebCodecs, decoding only the needed GOPs) and (2) by seeking an
// HTMLVideoElement to each frame and drawing it to a canvas (what transformers.js's load_video does).
// Both read the same in-memory Blob; both include getting to native-resolution RGBA bytes.

import { MediaClient } from '../../src/media/media-client';
import { DEFAULT_SAMPLING } from '../../src/media/plan';

interface BenchResult {
  video: { width: number; height: number; frames: number; fps: number; duration: number; keyframes: number };
  ours: { openMs: number; sampleMs: number; totalMs: number; samplesFed: number; samplesSkipped: number; runs: number };
  /** Display-order indices of the sampled frames (the PyAV timing reads the same ones). */
  indices: number[];
  element: { totalMs: number; seeks: number };
  ratio: number;
}

const log = (line: string) => {
  const el = document.getElementById('log');
  if (el) el.textContent = `${el.textContent ?? ''}\n${line}`;
};

async function ours(file: File) {
  const client = new MediaClient();
  const t0 = performance.now();
  const meta = await client.open(file);
  const t1 = performance.now();
  let bytes = 0;
  const request = { ...DEFAULT_SAMPLING, burnTimestamps: false, subtitles: null, applyRotation: true };
  const summary = await client.sample(request, { onFrame: (f) => void (bytes += f.rgba.byteLength) }).done;
  const t2 = performance.now();
  client.dispose();
  if (bytes !== summary.plan.nframes * meta.width * meta.height * 4) throw new Error('missing frames');
  return { meta, summary, openMs: t1 - t0, sampleMs: t2 - t1 };
}

async function element(url: string, times: number[]) {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  const t0 = performance.now();
  video.src = url;
  await new Promise((resolve, reject) => {
    video.onloadeddata = resolve;
    video.onerror = () => reject(new Error('video element failed to load'));
  });
  const ctx = new OffscreenCanvas(video.videoWidth, video.videoHeight).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  let checksum = 0;
  for (const t of times) {
    const seeked = new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }));
    video.currentTime = t;
    await seeked;
    ctx.drawImage(video, 0, 0);
    checksum += ctx.getImageData(0, 0, video.videoWidth, video.videoHeight).data[0] ?? 0;
  }
  const totalMs = performance.now() - t0;
  video.removeAttribute('src');
  video.load();
  return { totalMs, checksum };
}

async function main(): Promise<BenchResult> {
  const params = new URLSearchParams(location.search);
  const src = params.get('video');
  if (!src) throw new Error('?video=<url> is required');
  const blob = await (await fetch(src)).blob();
  const file = new File([blob], src.split('/').pop() ?? 'video.mp4');
  const url = URL.createObjectURL(blob);

  log('ours…');
  const a = await ours(file);
  // Seek into the middle of each chosen frame so the element shows the same frame.
  const times = a.summary.plan.indices.map((i) => (i + 0.5) / a.meta.averageFps);
  log(`ours: open ${a.openMs.toFixed(0)} ms, sample ${a.sampleMs.toFixed(0)} ms; HTMLVideoElement…`);
  const b = await element(url, times);
  log(`element: ${b.totalMs.toFixed(0)} ms`);
  const oursTotal = a.openMs + a.sampleMs;
  return {
    video: {
      width: a.meta.width,
      height: a.meta.height,
      frames: a.meta.frameCount,
      fps: a.meta.averageFps,
      duration: a.meta.durationSeconds,
      keyframes: a.meta.keyframeCount,
    },
    ours: {
      openMs: a.openMs,
      sampleMs: a.sampleMs,
      totalMs: oursTotal,
      samplesFed: a.summary.stats.samplesFed,
      samplesSkipped: a.summary.stats.samplesSkipped,
      runs: a.summary.stats.runs,
    },
    element: { totalMs: b.totalMs, seeks: times.length },
    indices: [...a.summary.plan.indices],
    ratio: b.totalMs / oursTotal,
  };
}

const target = window as unknown as { __benchResult?: BenchResult; __benchError?: string };
main().then(
  (r) => {
    target.__benchResult = r;
    log(JSON.stringify(r, null, 2));
  },
  (e: unknown) => {
    target.__benchError = e instanceof Error ? e.message : String(e);
    log(`error: ${target.__benchError}`);
  },
);
