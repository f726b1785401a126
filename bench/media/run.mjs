#!/usr/bin/env node
// `node bench/media/run.mjs`: time to sample 32 frames from a 10-minute 1080p H.264 video with our pipeline vs
// seeking an HTMLVideoElement, measured in the same Chromium run, printed as a ratio. Not a test.
// The video is generated once (ffmpeg x264 veryfast — 3 B-frames, keyframe every 250 frames — at 2 Mb/s: 20 s
// encoded, then looped without re-encoding)
// into bench/results/media/ (gitignored).
// Then the reference pipeline's decoder, PyAV, on the same file and frame indices (tools/bench/pyav_frames.py, in
// the bench venv, created on first use): decoded frames per sampled frame against the GOP span, and ratios.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { ensureBenchPython } from '../engine/models.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'bench/results/media');
const VIDEO = join(OUT, 'h264-1080p-10min-veryfast.mp4');
const PORT = Number(process.env.MEDIA_BENCH_PORT ?? 5391);

function ffmpeg(args) {
  const r = spawnSync(process.env.FFMPEG ?? 'ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed`);
}

function ensureVideo() {
  if (existsSync(VIDEO) && statSync(VIDEO).size > 0) return;
  mkdirSync(OUT, { recursive: true });
  const clip = join(OUT, 'clip-20s.mp4');
  console.log('generating the 10-minute 1080p H.264 bench video (once)…');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=30:duration=20',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-b:v',
    '2M',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  ffmpeg(['-stream_loop', '29', '-i', clip, '-c', 'copy', VIDEO]);
}

async function main() {
  ensureVideo();
  const server = await createServer({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    server: { port: PORT, strictPort: false, host: '127.0.0.1' },
  });
  await server.listen();
  const address = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${PORT}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && console.error('[page]', m.text()));
    const videoUrl = `/${relative(ROOT, VIDEO).split('\\').join('/')}`;
    // A first load on a busy machine (Vite transforming the media worker) can take minutes.
    await page.goto(`${address}bench/media/index.html?video=${encodeURIComponent(videoUrl)}`, { timeout: 10 * 60_000 });
    await page.waitForFunction(() => window.__benchResult || window.__benchError, null, {
      timeout: 30 * 60_000,
      polling: 1000,
    });
    const { result, error } = await page.evaluate(() => ({ result: window.__benchResult, error: window.__benchError }));
    if (error) throw new Error(error);
    const r = result;
    console.log(
      `video: ${r.video.width}×${r.video.height}, ${r.video.frames} frames at ${r.video.fps} fps (${r.video.duration.toFixed(0)} s), ${r.video.keyframes} keyframes`,
    );
    console.log(
      `ours:             ${r.ours.totalMs.toFixed(0)} ms (index ${r.ours.openMs.toFixed(0)} ms + sample ${r.ours.sampleMs.toFixed(0)} ms; ${r.ours.samplesFed} samples decoded, ${r.ours.samplesSkipped} non-reference skipped, ${r.ours.runs} runs)`,
    );
    console.log(`HTMLVideoElement: ${r.element.totalMs.toFixed(0)} ms (${r.element.seeks} seeks + canvas draws)`);
    console.log(`ratio (HTMLVideoElement / ours): ${r.ratio.toFixed(2)}×`);
    return r;
  } finally {
    await browser.close();
    await server.close();
  }
}

/** PyAV on the same frames (see tools/bench/pyav_frames.py); prints its lines for bench/run.mjs to parse. */
async function pyav(r) {
  if (process.argv.includes('--no-pyav')) return;
  const py = await ensureBenchPython(ROOT);
  console.log(
    'PyAV: decoding the same 32 frames (seek per frame, then the whole stream in order as torchvision does)…',
  );
  const args = [join(ROOT, 'tools/bench/pyav_frames.py'), '--video', VIDEO, '--indices', r.indices.join(',')];
  const p = spawnSync(py, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (p.status !== 0) throw new Error(`pyav_frames.py failed: ${p.stderr.slice(-2000)}`);
  const x = JSON.parse(p.stdout.trim().split('\n').pop());
  const per = (n) => (n / x.sampled).toFixed(1);
  console.log(
    `decoded per sampled frame: ours ${per(r.ours.samplesFed)} (+ ${per(r.ours.samplesSkipped)} non-reference skipped), GOP span ${per(x.gopSpanDecodes)} (${x.gopSpanDecodes} of ${x.frames} frames)`,
  );
  console.log(`PyAV ${x.pyav} seek: ${x.seek.ms.toFixed(0)} ms (${per(x.seek.decoded)} decoded per sampled frame)`);
  if (x.sequential)
    console.log(
      `PyAV ${x.pyav} sequential: ${x.sequential.ms.toFixed(0)} ms (${per(x.sequential.decoded)} decoded per sampled frame)`,
    );
  console.log(`ratio (PyAV seek / ours): ${(x.seek.ms / r.ours.totalMs).toFixed(2)}×`);
  if (x.sequential) console.log(`ratio (PyAV sequential / ours): ${(x.sequential.ms / r.ours.totalMs).toFixed(2)}×`);
}

main()
  .then((r) =>
    // The browser figures stand without PyAV: a failed Python setup is reported, not fatal.
    pyav(r).catch((e) => console.log(`PyAV: not run (${String(e?.message ?? e).split('\n')[0]})`)),
  )
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
