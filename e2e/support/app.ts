// Driving the real app from Playwright: serving test files to the page, dropping them as a user would, reading
// the zustand store (window.__videoR2.store) and saving screenshots.
import { mkdirSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURE_DIR, REPO, SCREENSHOT_DIR } from './paths';

/** URL prefix under which the page can fetch the generated media fixtures. */
export const VIDEOS_URL = '/__e2e__/videos/';
/** URL prefix for committed reference fixtures (tools/reference/fixtures/...). */
export const REFERENCE_URL = '/__e2e__/reference/';
const REFERENCE_DIR = join(REPO, 'tools/reference/fixtures');

/** Serve the fixture folders to the page (vite preview only serves dist/). */
export async function serveFixtures(page: Page): Promise<void> {
  for (const [prefix, dir] of [
    [VIDEOS_URL, FIXTURE_DIR],
    [REFERENCE_URL, REFERENCE_DIR],
  ] as const) {
    await page.route(`**${prefix}**`, (route) => {
      const rel = normalize(decodeURIComponent(new URL(route.request().url()).pathname.slice(prefix.length)));
      if (rel.startsWith('..')) return route.fulfill({ status: 403 });
      return route.fulfill({ path: join(dir, rel) });
    });
  }
}

/** Open the app with fixtures served and wait until the shell (past the capability gate) is up. */
export async function openApp(page: Page): Promise<void> {
  await serveFixtures(page);
  await page.goto('/');
  await page.getByRole('region', { name: 'Video' }).waitFor();
}

/**
 * Drop a file on the page like a user: the page fetches the bytes, builds a File in a DataTransfer and dispatches
 * dragenter, dragover and drop on the element under the pointer (the page-wide drop zone listens on window).
 */
export async function dropFile(page: Page, url: string, name: string, type = ''): Promise<void> {
  await page.evaluate(
    async ({ url, name, type }) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`fixture ${url}: HTTP ${res.status}`);
      const file = new File([await res.arrayBuffer()], name, { type });
      const dt = new DataTransfer();
      dt.items.add(file);
      const target = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2) ?? document.body;
      for (const kind of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(kind, { bubbles: true, cancelable: true, dataTransfer: dt }));
      }
    },
    { url, name, type },
  );
}

export const dropVideo = (page: Page, file: string) => dropFile(page, VIDEOS_URL + file, file);

/** Pick a fixture through the real file input (data-testid="video-input"). */
export async function pickVideo(page: Page, file: string): Promise<void> {
  await page.getByTestId('video-input').setInputFiles(join(FIXTURE_DIR, file));
}

/** The serialisable part of the store's video slice. */
export interface VideoView {
  status: string;
  error: { code: string; message: string } | null;
  fileName: string | null;
  metadata: {
    fileName: string;
    codecName: string;
    containerLabel: string;
    codedWidth: number;
    codedHeight: number;
    width: number;
    height: number;
    rotation: number;
    durationSeconds: number;
    frameCount: number;
    averageFps: number;
    variableFrameRate: boolean;
    firstFrameTime: number;
    warnings: string[];
  } | null;
  plan: {
    totalFrames: number;
    nframes: number;
    indices: number[];
    sampleFps: number;
    secondPerGridT: number;
    resized: { width: number; height: number };
    grid: { t: number; h: number; w: number; tokens: number };
  } | null;
  frames: {
    ordinal: number;
    sourceIndex: number;
    referenceTime: number;
    presentationTime: number;
    width: number;
    height: number;
  }[];
  engineVideoId: string | null;
}

export async function videoState(page: Page): Promise<VideoView> {
  return page.evaluate(() => {
    const v = window.__videoR2!.store.getState().video;
    return JSON.parse(
      JSON.stringify({
        status: v.status,
        error: v.error,
        fileName: v.file?.name ?? null,
        metadata: v.metadata,
        plan: v.plan,
        frames: v.frames.map((f) => ({
          ordinal: f.ordinal,
          sourceIndex: f.sourceIndex,
          referenceTime: f.referenceTime,
          presentationTime: f.presentationTime,
          width: f.bitmap.width,
          height: f.bitmap.height,
        })),
        engineVideoId: v.engineVideoId,
      }),
    ) as VideoView;
  });
}

/** Wait until the video slice settles (ready, error, or empty with an error) and return it. */
export async function settledVideo(page: Page, timeout = 120_000): Promise<VideoView> {
  await page.waitForFunction(
    () => {
      const v = window.__videoR2!.store.getState().video;
      return v.status === 'ready' || v.status === 'error' || (v.status === 'empty' && v.error !== null);
    },
    undefined,
    { timeout, polling: 100 },
  );
  return videoState(page);
}

export interface SmallSampling {
  nframes: number;
  minPixels: number;
  maxPixels: number;
}

/** Sampling settings through the store (the form only exists once a video is loaded). */
export async function setSampling(page: Page, s: Partial<SmallSampling> & Record<string, unknown>): Promise<void> {
  await page.evaluate((s) => window.__videoR2!.store.getState().setVideoSettings(s), s);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface StripImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** The pixels of every thumbnail in the frame strip, read from the canvases the user sees. */
export async function stripImages(page: Page): Promise<StripImage[]> {
  const raw = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid=frame-strip] canvas')).map((c) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let bin = '';
      for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
      return { width: c.width, height: c.height, b64: btoa(bin) };
    }),
  );
  return raw.map((r) => ({ width: r.width, height: r.height, rgba: new Uint8Array(Buffer.from(r.b64, 'base64')) }));
}

/** The text of a labelled stat (components Stat) inside a container. */
export async function statValue(page: Page, testId: string, label: string): Promise<string> {
  const stat = page
    .getByTestId(testId)
    .locator('.stat')
    .filter({ has: page.locator('.stat-label', { hasText: new RegExp(`^${label}$`) }) });
  return (await stat.locator('.stat-value').innerText()).trim();
}

/** Wait until the video slice reports an error and is no longer opening or sampling. */
export async function settledError(page: Page, timeout = 120_000): Promise<VideoView> {
  await page.waitForFunction(
    () => {
      const v = window.__videoR2!.store.getState().video;
      return v.error !== null && v.status !== 'opening' && v.status !== 'sampling';
    },
    undefined,
    { timeout, polling: 100 },
  );
  return videoState(page);
}
