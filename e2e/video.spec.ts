// Issue 2 end to end: real files dropped on (or picked in) the real app in Debian Chromium. Every number the UI shows
// is compared with ffprobe's (the fixture manifest) and with the reference sampling rules (support/expected.ts);
// the thumbnails are checked to be the right frames by reading the frame number each fixture frame paints.
import { expect, test, type Page } from '@playwright/test';
import { readFrameId } from '../src/media/test-fixtures/frame-id';
import {
  dropVideo,
  openApp,
  pickVideo,
  screenshot,
  setSampling,
  settledVideo,
  statValue,
  stripImages,
  type VideoView,
} from './support/app';
import { clockLabel, expectedPlan } from './support/expected';
import { decodable } from './support/fixtures';
import { unrotate } from './support/pixels';

/** Few, small frames: the exact GPU resize is slow on SwiftShader. */
const SMALL = { countMode: 'nframes', nframes: 4, minPixels: 3136, maxPixels: 12544 } as const;

interface GoodCase {
  file: string;
  via: 'drop' | 'input';
  codec: string;
  container: string;
  /** Frames paint their own number (frame-id.ts); testsrc2 fixtures do not. */
  ids: boolean;
}

const GOOD: GoodCase[] = [
  { file: 'h264-bframes.mp4', via: 'drop', codec: 'H.264', container: 'MP4', ids: true },
  { file: 'h264-faststart.mov', via: 'input', codec: 'H.264', container: 'QuickTime', ids: true },
  { file: 'vp9.webm', via: 'input', codec: 'VP9', container: 'WebM', ids: true },
  { file: 'av1.mkv', via: 'drop', codec: 'AV1', container: 'Matroska', ids: true },
  { file: 'odd-101x77.webm', via: 'drop', codec: 'VP9', container: 'WebM', ids: true },
  { file: 'rotated-90.mp4', via: 'drop', codec: 'H.264', container: 'MP4', ids: true },
  { file: 'vfr.mp4', via: 'drop', codec: 'H.264', container: 'MP4', ids: true },
  { file: 'fragmented.mp4', via: 'input', codec: 'H.264', container: 'MP4', ids: true },
  { file: 'truncated.mp4', via: 'drop', codec: 'H.264', container: 'MP4', ids: true },
  { file: 'tiny-16x16.mp4', via: 'drop', codec: 'H.264', container: 'MP4', ids: false },
];

const fpsText = (fps: number) => `${fps.toFixed(3).replace(/\.?0+$/, '')} fps`;

/** Everything the UI and the store say about a loaded good file, against ffprobe and the reference rules. */
async function expectLoaded(
  page: Page,
  c: GoodCase,
  v: VideoView,
  sampling: { nframes: number; minPixels: number; maxPixels: number },
): Promise<void> {
  const fx = decodable(c.file);
  expect(v.error, `${c.file}: ${v.error?.message}`).toBeNull();
  expect(v.status).toBe('ready');
  const m = v.metadata!;
  // ffprobe's rotation is counter-clockwise; the app reports the clockwise quarter turn it applies.
  const rotation = (360 - fx.rotationCcw) % 360;
  const [dw, dh] = rotation % 180 ? [fx.height, fx.width] : [fx.width, fx.height];
  expect(m).toMatchObject({
    fileName: c.file,
    codecName: c.codec,
    containerLabel: c.container,
    codedWidth: fx.width,
    codedHeight: fx.height,
    width: dw,
    height: dh,
    rotation,
    frameCount: fx.frameCount,
  });
  expect(m.averageFps).toBeCloseTo(fx.avgFps, 9);
  expect(m.firstFrameTime).toBeCloseTo(fx.times[0]!, 5);
  expect(m.variableFrameRate).toBe(c.file === 'vfr.mp4');

  await expect(page.getByTestId('video-meta')).toBeVisible();
  expect(await statValue(page, 'video-meta', 'File')).toBe(c.file);
  // Said with its direction (ffprobe's rotation is the counter-clockwise angle).
  const turn =
    rotation === 90
      ? ' (rotated 90° clockwise)'
      : rotation === 270
        ? ' (rotated 90° counter-clockwise)'
        : rotation === 180
          ? ' (rotated 180°)'
          : '';
  expect(await statValue(page, 'video-meta', 'Size')).toBe(`${dw}×${dh}${turn}`);
  expect(await statValue(page, 'video-meta', 'Codec')).toBe(`${c.codec} · ${c.container}`);
  expect(await statValue(page, 'video-meta', 'Frame rate')).toBe(
    `${fpsText(fx.avgFps)}${m.variableFrameRate ? ' (VFR)' : ''}`,
  );
  expect(await statValue(page, 'video-meta', 'Frames')).toBe(fx.frameCount.toLocaleString('en-US'));

  const exp = expectedPlan({ frameCount: fx.frameCount, fps: fx.avgFps, width: dw, height: dh, ...sampling });
  expect(v.plan).toMatchObject({
    totalFrames: fx.frameCount,
    nframes: exp.nframes,
    indices: exp.indices,
    resized: exp.resized,
    grid: exp.grid,
  });
  expect(v.plan!.secondPerGridT).toBe(exp.secondPerGridT);
  expect(await statValue(page, 'grid-summary', 'Frames sampled')).toBe(String(exp.nframes));
  expect(await statValue(page, 'grid-summary', 'Model frame size')).toBe(`${exp.resized.width}×${exp.resized.height}`);
  expect(await statValue(page, 'grid-summary', 'video_grid_thw')).toBe(`(${exp.grid.t}, ${exp.grid.h}, ${exp.grid.w})`);
  expect(await statValue(page, 'grid-summary', 'Video tokens')).toBe(exp.grid.tokens.toLocaleString('en-US'));
  expect(await statValue(page, 'grid-summary', 'second_per_grid_ts')).toBe(
    exp.secondPerGridT.toPrecision(6).replace(/\.?0+$/, ''),
  );
  expect(await statValue(page, 'grid-summary', 'Sample fps')).toBe(
    ((exp.nframes / fx.frameCount) * fx.avgFps).toPrecision(4).replace(/\.?0+$/, ''),
  );

  // The sampled frames: source indices, ffprobe's presentation times, the reference's index / avg_fps times.
  expect(v.frames.map((f) => f.sourceIndex)).toEqual(exp.indices);
  for (const f of v.frames) {
    expect(f.presentationTime).toBeCloseTo(fx.times[f.sourceIndex]!, 5);
    expect(f.referenceTime).toBeCloseTo(f.sourceIndex / fx.avgFps, 9);
    expect([f.width, f.height]).toEqual([exp.resized.width, exp.resized.height]);
  }
  const thumbs = page.getByTestId('frame-strip').locator('button.thumb');
  await expect(thumbs).toHaveCount(exp.nframes);
  // Thumbnails show the frame's real (ffprobe) time; where Video-R2's index ÷ fps time differs by more than half a
  // frame (VFR), the thumbnail is marked and its tooltip gives both.
  for (const [k, idx] of exp.indices.entries()) {
    const label = clockLabel(fx.times[idx]!);
    const modelTime = idx / fx.avgFps;
    const differs = Math.abs(fx.times[idx]! - fx.times[0]! - modelTime) > 0.5 / fx.avgFps;
    const note = differs ? ` (Video-R2 times it at ${clockLabel(modelTime)}: frame index ÷ average fps)` : '';
    await expect(thumbs.nth(k)).toHaveAttribute('title', `Frame ${idx} at ${label}${note} — show in player`);
    await expect(thumbs.nth(k).locator('.thumb-time')).toHaveText(differs ? `${label} ≠` : label);
  }
  await expect(page.getByTestId('times-note')).toHaveCount(
    exp.indices.some((idx) => Math.abs(fx.times[idx]! - fx.times[0]! - idx / fx.avgFps) > 0.5 / fx.avgFps) ? 1 : 0,
  );
  if (c.ids) {
    // Frame n of the encoder paints n. For constant-rate sources that is its ffprobe time × fps (a truncated file
    // can lose a B-frame from the middle, so index ≠ n there); the VFR source is numbered in presentation order.
    const painted = exp.indices.map((idx) =>
      m.variableFrameRate ? idx : Math.round((fx.times[idx]! - fx.times[0]!) * fx.avgFps),
    );
    const ids = (await stripImages(page)).map((img) => {
      const upright = unrotate(img, rotation);
      return readFrameId(upright.rgba, upright.width, upright.height);
    });
    expect(ids, 'frame numbers painted in the thumbnails').toEqual(painted);
  }
}

test.describe('video files (issue 2)', () => {
  for (const c of GOOD) {
    test(`${c.file} (${c.via === 'drop' ? 'dropped' : 'file input'})`, async ({ page }) => {
      await openApp(page);
      await setSampling(page, SMALL);
      if (c.via === 'drop') await dropVideo(page, c.file);
      else await pickVideo(page, c.file);
      const v = await settledVideo(page);
      await expectLoaded(page, c, v, SMALL);
      if (c.file === 'truncated.mp4') await expect(page.locator('.warn-box')).toContainText(/truncat/i);
      if (c.file === 'h264-bframes.mp4') await screenshot(page, 'video-loaded');
    });
  }

  test('sampling set in the form re-samples the loaded video', async ({ page }) => {
    const c = GOOD[0]!;
    await openApp(page);
    await setSampling(page, SMALL);
    await dropVideo(page, c.file);
    await expectLoaded(page, c, await settledVideo(page), SMALL);
    await page.getByRole('slider', { name: 'Number of frames' }).fill('7'); // Python's round(3.5) = 4 → 8 frames
    await page.getByLabel('max_pixels').fill('6272');
    await expect(page.getByText('Frames: 7 (rounded to even)')).toBeVisible();
    await page.waitForFunction(() => {
      const v = window.__videoR2!.store.getState().video;
      return v.status === 'ready' && v.plan?.nframes === 8 && v.plan.maxPixels === 6272;
    });
    await expectLoaded(page, c, await settledVideo(page), { nframes: 7, minPixels: 3136, maxPixels: 6272 });
  });

  test('the sample video button', async ({ page }) => {
    await openApp(page);
    await setSampling(page, SMALL);
    await page.getByRole('button', { name: 'Use the sample video' }).click();
    const v = await settledVideo(page);
    expect(v.error).toBeNull();
    expect(v.metadata).toMatchObject({
      fileName: 'shapes.mp4',
      codecName: 'H.264',
      width: 640,
      height: 360,
      frameCount: 384,
      averageFps: 24,
    });
    const exp = expectedPlan({ frameCount: 384, fps: 24, width: 640, height: 360, ...SMALL });
    expect(v.plan).toMatchObject({ indices: exp.indices, resized: exp.resized, grid: exp.grid });
    await expect(page.getByTestId('frame-strip').locator('button.thumb')).toHaveCount(4);
    await screenshot(page, 'video-sample');
  });
});
