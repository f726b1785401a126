#!/usr/bin/env node
// `node bench/media/run.mjs`: time to sample 32 frames from a 10-minute 1080p H.264 video with our pipeline vs
// seeking an HTMLVideoElement, measured in the same Chromium run, printed as a ratio. Not a test.
// The video is generated once (ffmpeg x264 veryfast — 3 B-frames, keyframe every 250 frames — at 2 Mb/s: 20 s
// encoded, then looped without re-encoding)
// into bench/results/media/ (gitignored).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

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
    await page.goto(`${address}bench/media/index.html?video=${encodeURIComponent(videoUrl)}`);
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
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
