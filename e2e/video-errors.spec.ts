// Issue 2, bad input: each bad file gives its own specific message in the UI, the page stays usable, a video that
// was already loaded is kept, and the next good file works.
import { expect, test, type Page } from '@playwright/test';
import {
  dropVideo,
  openApp,
  pickVideo,
  screenshot,
  setSampling,
  settledError,
  settledVideo,
  videoState,
} from './support/app';
import { fixture } from './support/fixtures';

const SMALL = { countMode: 'nframes', nframes: 4, minPixels: 3136, maxPixels: 12544 } as const;

interface BadCase {
  file: string;
  code: string;
  /** Phrases the message must contain: what is wrong, specifically. */
  says: RegExp[];
}

/** Files rejected while opening: the loaded video must survive them untouched. */
const OPEN_ERRORS: BadCase[] = [
  { file: 'empty.mp4', code: 'EMPTY_FILE', says: [/empty\.mp4/, /empty \(0 bytes\)/] },
  {
    file: 'not-a-video.mp4',
    code: 'NOT_A_VIDEO',
    says: [/not-a-video\.mp4/, /not a video file/, /MP4, MOV, M4V, WebM or MKV/],
  },
  { file: 'audio-only.m4a', code: 'NO_VIDEO_TRACK', says: [/audio-only\.m4a/, /audio/, /no video/] },
  { file: 'audio-only.mp4', code: 'NO_VIDEO_TRACK', says: [/audio-only\.mp4/, /no video track/] },
  { file: 'audio-only.webm', code: 'NO_VIDEO_TRACK', says: [/audio-only\.webm/, /no video track/, /audio track/] },
  { file: 'hevc.mp4', code: 'UNSUPPORTED_CODEC', says: [/hevc\.mp4/, /HEVC/, /cannot decode/, /ffmpeg/] },
  { file: 'no-moov.mp4', code: 'CORRUPT_FILE', says: [/no-moov\.mp4/, /truncated|movie header|broken/] },
];

async function expectError(page: Page, c: BadCase): Promise<void> {
  expect(fixture(c.file).expectError).toBe(c.code);
  const v = await settledError(page);
  expect(v.error?.code, v.error?.message).toBe(c.code);
  const alert = page.getByTestId('video-error');
  await expect(alert).toBeVisible();
  await expect(alert).toHaveAttribute('data-code', c.code);
  for (const phrase of c.says) await expect(alert).toContainText(phrase);
  // Named once, not "x.mp4: \"x.mp4\" is …".
  expect((await alert.innerText()).split(c.file).length - 1, 'mentions of the file name').toBe(1);
}

async function dismiss(page: Page): Promise<void> {
  await page.getByTestId('video-error').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('video-error')).toHaveCount(0);
}

test.describe('bad files (issue 2)', () => {
  test('open-time errors keep the loaded video; the next good file works', async ({ page }) => {
    await openApp(page);
    await setSampling(page, SMALL);
    // An error with nothing loaded yet: the empty drop area stays.
    await dropVideo(page, 'not-a-video.mp4');
    await expectError(page, OPEN_ERRORS[1]!);
    expect((await videoState(page)).status).toBe('empty');
    await expect(page.getByText('Drop a video anywhere on this page')).toBeVisible();
    await screenshot(page, 'error-before-any-video');
    await dismiss(page);

    await dropVideo(page, 'h264-bframes.mp4');
    const loaded = await settledVideo(page);
    expect(loaded.status).toBe('ready');
    for (const c of OPEN_ERRORS) {
      await dropVideo(page, c.file);
      await expectError(page, c);
      const v = await videoState(page);
      // Nothing of the loaded video is lost: file, metadata, plan, frames, the engine's copy.
      expect(v.status).toBe('ready');
      expect(v.fileName).toBe('h264-bframes.mp4');
      expect(v.metadata).toEqual(loaded.metadata);
      expect(v.plan).toEqual(loaded.plan);
      expect(v.frames).toEqual(loaded.frames);
      expect(v.engineVideoId).toBe(loaded.engineVideoId);
      await expect(page.getByTestId('frame-strip').locator('canvas')).toHaveCount(4);
      await expect(page.getByTestId('video-meta')).toContainText('h264-bframes.mp4');
      await screenshot(page, `error-${c.file}`);
      await dismiss(page);
    }
    await pickVideo(page, 'vp9.webm');
    const next = await settledVideo(page);
    expect(next).toMatchObject({ status: 'ready', error: null, fileName: 'vp9.webm' });
    expect(next.frames.map((f) => f.sourceIndex)).toEqual([0, 30, 59, 89]);
  });

  test('a file that opens but cannot be decoded brings the loaded video back', async ({ page }) => {
    await openApp(page);
    await setSampling(page, SMALL);
    await dropVideo(page, 'h264-bframes.mp4');
    const loaded = await settledVideo(page);
    await dropVideo(page, 'corrupt.mp4');
    await expectError(page, { file: 'corrupt.mp4', code: 'DECODE_FAILED', says: [/corrupt/] });
    // The previous video is restored and sampled again (the engine's copy was replaced by the failed file's),
    // while the error stays on screen.
    await expect.poll(async () => (await videoState(page)).status, { timeout: 120_000 }).toBe('ready');
    const v = await videoState(page);
    expect(v.fileName).toBe('h264-bframes.mp4');
    expect(v.metadata).toEqual(loaded.metadata);
    expect(v.frames.map((f) => f.sourceIndex)).toEqual(loaded.frames.map((f) => f.sourceIndex));
    expect(v.error?.code).toBe('DECODE_FAILED');
    await expect(page.getByTestId('video-error')).toContainText('corrupt.mp4');
    await expect(page.getByTestId('frame-strip').locator('canvas')).toHaveCount(4);
    await screenshot(page, 'error-corrupt.mp4');
    await dropVideo(page, 'av1.mkv');
    expect(await settledVideo(page)).toMatchObject({ status: 'ready', error: null, fileName: 'av1.mkv' });
  });

  test('aspect ratio over 200:1 is refused like the reference', async ({ page }) => {
    await openApp(page);
    await setSampling(page, SMALL);
    await dropVideo(page, 'wide-2012x10.mp4');
    const v = await settledError(page);
    expect(v.error?.code).toBe('ASPECT_RATIO');
    expect(v.metadata).toMatchObject({ width: 2012, height: 10, frameCount: 10 });
    await expect(page.getByTestId('video-error')).toContainText(/200/);
    // The 201:1 player keeps a usable height (its controls stay visible).
    expect((await page.locator('video.player').boundingBox())!.height).toBeGreaterThanOrEqual(120);
    await screenshot(page, 'error-wide-2012x10.mp4');
    await dropVideo(page, 'h264-bframes.mp4');
    const good = await settledVideo(page);
    expect(good).toMatchObject({ status: 'ready', error: null, fileName: 'h264-bframes.mp4' });
    // With a video loaded, the refused file does not replace it.
    await dropVideo(page, 'wide-2012x10.mp4');
    await expect.poll(async () => (await videoState(page)).error?.code, { timeout: 60_000 }).toBe('ASPECT_RATIO');
    await expect.poll(async () => (await videoState(page)).status, { timeout: 120_000 }).toBe('ready');
    expect((await videoState(page)).fileName).toBe('h264-bframes.mp4');
  });
});
