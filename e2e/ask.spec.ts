// Issue 5 end to end: drop a file, see the memory plan, load the bundled tiny checkpoint, ask, watch the tokens
// stream, stop, ask again — and get exactly the reference tokens from the file.
//
// Parity from a file: tools/reference/e2e_golden.py made a lossless, luma-only H.264 video whose grey levels convert
// to identical RGB in libswscale (the reference reader) and in Chromium. This test first proves that on this very
// run (every sampled frame our pipeline decoded == the reference's, byte for byte, via an identity resize), then
// checks the model's resized frames, then asks with the golden's prompt and requires the golden's token ids.
import { expect, test, type Page } from '@playwright/test';
import { loadGolden } from '../src/test-utils/goldens';
import {
  REFERENCE_URL,
  dropFile,
  openApp,
  screenshot,
  setSampling,
  settledVideo,
  statValue,
  stripImages,
} from './support/app';
import { diffBytes, rgbOf } from './support/pixels';
import { watchOrigins } from './support/same-origin';

const GOLDEN = 'e2e-grey-lossless';

interface E2eMeta {
  identity_pixels: number;
  element: { nframes: number; min_pixels: number; max_pixels: number };
  sampling: { nframes: number; indices: number[]; resized_hw: [number, number] };
  video_grid_thw: [number, number, number];
  second_per_grid_ts: number;
  prompt_parts: { system: string; question: string; suffix: string };
  prompt: { length: number };
  generation: { tokens: number[]; text: string; max_new_tokens: number };
}

interface RunView {
  status: string;
  stopReason: string | null;
  error: string | null;
  promptTokens: number;
  ids: number[];
  text: string;
}

const runState = (page: Page): Promise<RunView> =>
  page.evaluate(() => {
    const s = window.__videoR2!.store.getState();
    const run = s.run.runId ? s.runs.get(s.run.runId) : undefined;
    const tokens = run?.tokens;
    return {
      status: s.run.status,
      stopReason: run?.meta.stopReason ?? null,
      error: s.run.error,
      promptTokens: run?.meta.layout?.promptTokens ?? 0,
      ids: tokens ? Array.from(tokens.ids) : [],
      text: tokens?.text ?? '',
    };
  });

async function waitRunEnd(page: Page): Promise<RunView> {
  await page.waitForFunction(
    () => ['done', 'cancelled', 'error'].includes(window.__videoR2!.store.getState().run.status),
    undefined,
    { timeout: 300_000, polling: 200 },
  );
  return runState(page);
}

/** Fill a textarea inside a collapsible of the Ask panel, opening it first. */
async function fillCollapsed(page: Page, title: string, label: string, value: string): Promise<void> {
  const ask = page.getByRole('region', { name: 'Ask' });
  const head = ask.getByRole('button', { name: title });
  if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
  await ask.getByLabel(label).fill(value);
}

test('ask about a dropped file: memory plan, streaming, stop, and the exact reference tokens', async ({
  page,
  context,
  baseURL,
}) => {
  // The whole session stays on this origin under the app's Content-Security-Policy (csp.spec.ts checks the policy).
  const watch = await watchOrigins(page, context, new URL(baseURL!).origin);
  const golden = loadGolden(GOLDEN);
  const meta = golden.meta<E2eMeta>();
  const videoUrl = `${REFERENCE_URL}goldens/${GOLDEN}/video.mp4`;
  const nframes = meta.element.nframes;

  await openApp(page);
  await screenshot(page, 'ask-empty-page');

  // 1. Identity resize (the 224×112 frames are already multiples of 28): the strip shows the decoded RGB itself.
  await setSampling(page, {
    countMode: 'nframes',
    nframes,
    minPixels: meta.identity_pixels,
    maxPixels: meta.identity_pixels,
  });
  await dropFile(page, videoUrl, 'e2e-grey-lossless.mp4', 'video/mp4');
  let v = await settledVideo(page);
  expect(v.error).toBeNull();
  expect(v.plan?.indices).toEqual(meta.sampling.indices);
  const sampled = golden.u8('inputs.safetensors', 'frames_sampled_rgb');
  const [, sh, sw] = sampled.shape as [number, number, number, number];
  const decoded = await stripImages(page);
  expect(decoded).toHaveLength(nframes);
  for (const [k, img] of decoded.entries()) {
    expect([img.width, img.height]).toEqual([sw, sh]);
    const ref = sampled.data.subarray(k * sh * sw * 3, (k + 1) * sh * sw * 3);
    expect(diffBytes(rgbOf(img), ref), `decoded frame ${meta.sampling.indices[k]} vs PyAV/libswscale rgb24`).toEqual({
      count: 0,
      max: 0,
    });
  }

  // 2. The golden's setting, typed into the sampling form: the model's frames equal torchvision's resize.
  await page.getByLabel('max_pixels').fill(String(meta.element.max_pixels));
  await page.getByLabel('min_pixels').fill(String(meta.element.min_pixels));
  const [rh, rw] = meta.sampling.resized_hw;
  await page.waitForFunction(
    ([h, w]) => {
      const s = window.__videoR2!.store.getState().video;
      return s.status === 'ready' && s.plan?.resized.height === h && s.plan.resized.width === w;
    },
    [rh, rw] as const,
  );
  v = await settledVideo(page);
  const [t, gh, gw] = meta.video_grid_thw;
  expect(v.plan).toMatchObject({
    nframes,
    indices: meta.sampling.indices,
    grid: { t, h: gh, w: gw, tokens: (t * gh * gw) / 4 },
  });
  expect(v.plan!.secondPerGridT).toBe(Math.fround(meta.second_per_grid_ts));
  expect(await statValue(page, 'grid-summary', 'video_grid_thw')).toBe(`(${t}, ${gh}, ${gw})`);
  expect(await statValue(page, 'grid-summary', 'Video tokens')).toBe(String((t * gh * gw) / 4));
  const resized = golden.u8('inputs.safetensors', 'frames_resized_rgb');
  for (const [k, img] of (await stripImages(page)).entries()) {
    expect([img.width, img.height]).toEqual([rw, rh]);
    expect(
      diffBytes(rgbOf(img), resized.data.subarray(k * rh * rw * 3, (k + 1) * rh * rw * 3)),
      `resized frame ${k}`,
    ).toEqual({ count: 0, max: 0 });
  }
  await screenshot(page, 'ask-video-ready');

  // 3. The memory plan is there before anything runs, computed for this video.
  const ask = page.getByRole('region', { name: 'Ask' });
  await ask.getByRole('button', { name: 'GPU memory plan' }).click();
  const plan = page.getByTestId('memory-plan');
  await expect(plan).toBeVisible();
  const planState = await page.evaluate(() => window.__videoR2!.store.getState().memoryPlan.plan);
  expect(planState?.lines.length).toBeGreaterThan(0);
  await expect(plan.locator('tr.total')).toContainText('Total');
  await expect(plan).toContainText(`Video input (${t * gh * gw} patches)`);
  expect(await plan.locator('tr').count()).toBe(planState!.lines.length + 1);

  // 4. The bundled tiny checkpoint, and the golden's prompt and length through the form.
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 120_000 });
  await ask.getByLabel('Question').fill(meta.prompt_parts.question);
  await fillCollapsed(page, 'Reasoning instruction', 'Reasoning instruction', meta.prompt_parts.suffix);
  await fillCollapsed(page, 'System prompt', 'System prompt', meta.prompt_parts.system);
  // A long budget for the run we stop: the reference's greedy continuation of this prompt has no EOS in its first
  // 600 tokens (checked with transformers), so the run is still going when Stop is clicked a few tokens in.
  await fillCollapsed(page, 'Decoding', 'Max new tokens', '600');

  // 5. Run, watch it stream, stop it.
  await page.getByRole('button', { name: '▶ Run' }).click();
  // A function predicate, not a string: the page's Content-Security-Policy forbids eval.
  const liveTokensAtLeast = (n: number) => {
    const s = window.__videoR2!.store.getState();
    return ((s.run.runId && s.runs.get(s.run.runId)?.tokens?.count) || 0) >= n;
  };
  await page.waitForFunction(liveTokensAtLeast, 2, { timeout: 120_000, polling: 100 });
  const early = await runState(page);
  await page.waitForFunction(liveTokensAtLeast, early.ids.length + 1, { timeout: 60_000, polling: 100 });
  const later = await runState(page);
  expect(later.status).toBe('running');
  expect(later.text.length).toBeGreaterThan(early.text.length);
  expect(later.ids.slice(0, early.ids.length)).toEqual(early.ids);
  await expect(page.getByTestId('run-status')).toContainText(/prompt \d+ tokens · \d+ generated/);
  await expect(page.getByTestId('run-status').getByLabel('streaming')).toBeVisible();
  await expect(page.getByTestId('transcript')).not.toBeEmpty();
  // Prefill is over once tokens stream: no progress bar left next to Stop.
  await expect(ask.getByRole('progressbar')).toHaveCount(0);
  await screenshot(page, 'ask-running');
  await ask.getByRole('button', { name: '■ Stop' }).click({ timeout: 10_000 });
  const stopped = await waitRunEnd(page);
  expect(stopped).toMatchObject({
    status: 'cancelled',
    stopReason: 'cancelled',
    error: null,
    promptTokens: meta.prompt.length,
  });
  expect(stopped.ids.length).toBeLessThan(600);
  // Deterministic decoding: whatever streamed before Stop starts like the reference continuation.
  const shared = Math.min(stopped.ids.length, meta.generation.tokens.length);
  expect(stopped.ids.slice(0, shared)).toEqual(meta.generation.tokens.slice(0, shared));
  await expect(page.getByTestId('run-status')).toContainText('stopped by you');
  await screenshot(page, 'ask-cancelled');

  // 6. A second run, to the golden's length: exactly the reference tokens and text.
  await fillCollapsed(page, 'Decoding', 'Max new tokens', String(meta.generation.max_new_tokens));
  expect((await page.evaluate(() => window.__videoR2!.store.getState().params)).maxNewTokens).toBe(
    meta.generation.max_new_tokens,
  );
  await ask.getByRole('button', { name: '▶ Run' }).click();
  const done = await waitRunEnd(page);
  expect(done.error).toBeNull();
  expect(done).toMatchObject({ status: 'done', stopReason: 'max-tokens', promptTokens: meta.prompt.length });
  expect(done.ids).toEqual(Array.from(golden.i32('generate.safetensors', 'tokens').data));
  expect(done.text).toBe(meta.generation.text);
  await expect(page.getByTestId('run-status')).toContainText(`${meta.generation.tokens.length} generated`);
  await expect(page.getByTestId('run-status')).toContainText('stopped at the token limit');
  // The stage line stays with the whole path and the time to the first token.
  await expect(page.getByTestId('stage-line')).toHaveAttribute('data-stage', 'done');
  await expect(page.getByTestId('stage-line')).toContainText(/first token \d/);
  // The stopped run is still there, with its tokens, and can be shown again.
  const kept = await page.evaluate(() =>
    window
      .__videoR2!.store.getState()
      .runs.list()
      .map((r) => ({ stage: r.meta.stage, tokens: r.tokens?.count ?? 0 })),
  );
  expect(kept).toEqual([
    { stage: 'cancelled', tokens: stopped.ids.length },
    { stage: 'done', tokens: meta.generation.tokens.length },
  ]);
  await screenshot(page, 'ask-done');
  expect(await watch.violations(), 'Content-Security-Policy violations').toEqual([]);
  expect(watch.foreign, 'requests to other origins').toEqual([]);
  const runPicker = page.getByTestId('runs-list').getByLabel('Run shown');
  await runPicker.selectOption({ index: 0 });
  await expect(page.getByTestId('run-status')).toContainText(`${stopped.ids.length} generated`);
  await expect(page.getByTestId('run-status')).toContainText('stopped by you');
});

test('the 7B memory plan for the demo setting is shown before anything is downloaded or run', async ({ page }) => {
  await openApp(page);
  // The demo's defaults (32 frames, max_pixels 200704) on the bundled 640×360 sample: 588×336, 4,032 video tokens.
  // The plan exists as soon as the file is opened; the 32 frames keep decoding in the background meanwhile.
  await page.getByRole('button', { name: 'Use the sample video' }).click();
  await page.waitForFunction(() => window.__videoR2!.store.getState().video.plan !== null, undefined, {
    timeout: 60_000,
  });
  expect(await statValue(page, 'grid-summary', 'Frames sampled')).toBe('32');
  expect(await statValue(page, 'grid-summary', 'Model frame size')).toBe('588×336');
  expect(await statValue(page, 'grid-summary', 'Video tokens')).toBe('4,032');

  // Every request to the Hub is recorded (and refused): choosing a Hub model must not touch the network before Load,
  // so its plan comes from the bundled Qwen2.5-VL-7B config.json, and the note says so (naming config.json only).
  const hubRequests: string[] = [];
  await page.context().route('https://huggingface.co/**', (route) => {
    hubRequests.push(route.request().url());
    return route.fulfill({ status: 404 });
  });
  await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: 'Video-R2 7B' });
  const ask = page.getByRole('region', { name: 'Ask' });
  await ask.getByRole('button', { name: 'GPU memory plan' }).click();
  const plan = page.getByTestId('memory-plan');
  await expect(plan).toContainText('Language model weights (4-bit)');
  expect(hubRequests, 'Hub requests made by choosing a model and showing its plan').toEqual([]);
  const note = page.locator('.plan-note', { hasText: 'Computed from' });
  await expect(note).toHaveText(
    'Computed from the bundled Qwen2.5-VL-7B config.json; the checkpoint’s own config.json is read when you press Load.',
  );
  await expect(page.getByText(/preprocessor_config/), 'a plan note quoting another file').toHaveCount(0);
  await expect(plan).toContainText('Video input (16,128 patches)'); // 16 temporal patches × 24 × 42
  const kv = (await plan.locator('tr', { hasText: 'KV cache' }).innerText()).match(/KV cache \(([\d,]+) tokens, f16\)/);
  expect(Number(kv?.[1]?.replaceAll(',', ''))).toBeGreaterThanOrEqual(4032 + 2048);
  const state = await page.evaluate(() => {
    const s = window.__videoR2!.store.getState();
    return { model: s.model.status, run: s.run.status, total: s.memoryPlan.plan?.totalBytes ?? 0 };
  });
  expect(state).toMatchObject({ model: 'idle', run: 'idle' });
  expect(state.total).toBeGreaterThan(4e9); // 7B in 4-bit plus the vision tower: gigabytes, not the tiny model's MB
  await screenshot(page, 'ask-7b-memory-plan');

  // The 8-bit option: only the language-model weights line changes, by q8 − q4 of the 7B text tensors.
  await page.getByRole('combobox', { name: 'Weights' }).selectOption({ label: '8-bit' });
  await expect(plan).toContainText('Language model weights (8-bit)');
  const total8 = await page.evaluate(() => window.__videoR2!.store.getState().memoryPlan.plan?.totalBytes ?? 0);
  expect(total8 - state.total, '8-bit plan minus 4-bit plan').toBe(8_091_905_024 - 4_284_263_424);
  expect(hubRequests, 'Hub requests made by switching to 8-bit').toEqual([]);
  await screenshot(page, 'ask-7b-memory-plan-q8');
});
