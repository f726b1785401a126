// Issue 9, the inspector's views. With the committed synthetic bundle (known attention: token 7 looks only at pair 3,
// cell (2, 5)) the views are asserted exactly; bad bundles get specific messages and leave the open runs alone.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { dropVideo, openApp, screenshot, setSampling, settledVideo } from './support/app';
import { REPO } from './support/paths';
import { SYNTHETIC, syntheticVideoMass } from '../src/test-utils/synthetic-run';

const BUNDLE = join(REPO, 'e2e/fixtures/synthetic-run.bundle.json');

async function openBundle(page: Page, path: string): Promise<void> {
  await page.getByLabel('Open a run bundle').setInputFiles(path);
}

async function openBundleText(page: Page, name: string, text: string): Promise<void> {
  await page
    .getByLabel('Open a run bundle')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

const token = (page: Page, t: number) => page.getByTestId('transcript').locator(`[data-t="${t}"]`).first();

test('synthetic bundle: heat strip, maps, reverse view, box plot and keyboard', async ({ page }) => {
  await openApp(page);
  await openBundle(page, BUNDLE);
  await expect(page.getByTestId('transcript')).toContainText('The ball moves right');
  await screenshot(page, 'inspector-synthetic-opened');

  // Hover token 7 (" 00:06"): its profile peaks at pair 3, and pair 3's map at cell (2, 5).
  await token(page, 7).hover();
  const strip = page.getByTestId('heat-strip');
  await expect(strip).toHaveAttribute('data-focus', '7-8');
  await expect(strip).toHaveAttribute('data-argmax', '3');
  await expect(page.getByTestId('pair-maps').locator('canvas[data-pair="3"]')).toHaveAttribute('data-argmax', '2,5');
  await screenshot(page, 'inspector-synthetic-hover-7');

  // Click locks; moving away keeps the lock.
  await token(page, 7).click();
  await token(page, 2).hover();
  await expect(strip).toHaveAttribute('data-focus', '7-8');
  await expect(page.getByTestId('focus-label')).toContainText('token 7 (locked)');

  // Reverse view of pair 3: token 7 ranks first and is highlighted in the transcript.
  await page.getByTestId('pair-maps').locator('button[data-pair="3"] .pair-time').click();
  const reverse = page.getByTestId('reverse-view');
  await expect(reverse.locator('li').first()).toContainText('#7');
  await expect(token(page, 7)).toHaveAttribute('data-rank', '1');
  await screenshot(page, 'inspector-synthetic-reverse-3');

  // A patch: cell (2, 5) of pair 3 was looked at by token 7 only.
  const map3 = page.getByTestId('pair-maps').locator('canvas[data-pair="3"]');
  const box = (await map3.boundingBox())!;
  await map3.click({
    position: { x: ((5 + 0.5) / SYNTHETIC.mergedCols) * box.width, y: ((2 + 0.5) / SYNTHETIC.mergedRows) * box.height },
  });
  await expect(reverse).toContainText('cell row 3 col 6');
  await expect(reverse.locator('li').first()).toContainText('#7');
  await expect(reverse.locator('li').first()).toContainText('50%');

  // The box plot's medians are the bundle's: <think> holds tokens 1–16 (between the tags), <answer> token 19.
  const thinkTokens = SYNTHETIC.texts
    .map((_, t) => t)
    .filter((t) => t > SYNTHETIC.texts.indexOf('<think>') && t < SYNTHETIC.texts.indexOf('</think>'));
  const sorted = thinkTokens.map(syntheticVideoMass).sort((a, b) => a - b);
  const median = (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const groups = page.getByTestId('summary-boxplot').locator('g.bp-group');
  expect(Number(await groups.nth(0).getAttribute('data-median')), 'think median').toBeCloseTo(median, 6);
  expect(Number(await groups.nth(0).getAttribute('data-n')), 'think tokens').toBe(thinkTokens.length);
  expect(Number(await groups.nth(1).getAttribute('data-median')), 'answer median').toBeCloseTo(
    syntheticVideoMass(SYNTHETIC.texts.indexOf('B')),
    6,
  );
  await expect(page.getByTestId('tac-check')).toHaveAttribute('data-status', 'match');

  // The cited time " 00:06" is a chip: it picks pair 3 (6 s lies in [6, 7]) and seeks the player (a 3 s video is
  // loaded, so the player stops at its end).
  await setSampling(page, { countMode: 'nframes', nframes: 4, minPixels: 3136, maxPixels: 12544 });
  await dropVideo(page, 'h264-bframes.mp4');
  await settledVideo(page);
  await page.getByTestId('transcript').locator('.time-link').first().click();
  await expect(reverse).toContainText('pair 4 (0:06.0)');
  expect(await page.evaluate(() => window.__videoR2!.store.getState().video.seekRequest?.seconds)).toBe(6);
  await page.waitForFunction(() => (document.querySelector('video.player') as HTMLVideoElement).currentTime > 2.9);
  await expect(page.getByTestId('citation-checks')).toContainText('pair 4');

  // Keyboard: Home, seven steps right, Enter locks token 7; Escape unlocks; "all of <think>" aggregates tokens 1–16.
  await page.getByTestId('transcript').focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Home');
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('focus-label')).toContainText('token 7 (locked)');
  await expect(strip).toHaveAttribute('data-argmax', '3');
  await screenshot(page, 'inspector-synthetic-keyboard-lock');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('focus-label')).not.toContainText('locked');
  await page.getByRole('button', { name: 'all of <think>' }).click();
  await expect(strip).toHaveAttribute('data-focus', `${thinkTokens[0]}-${thinkTokens.at(-1)! + 1}`);
  await screenshot(page, 'inspector-synthetic-span-think');
});

test('every view at 1024×700 and 1920×1080, light and dark (screenshots to look at)', async ({ page }) => {
  await openApp(page);
  await openBundle(page, BUNDLE);
  await openBundle(page, BUNDLE); // a second copy, so Compare has two runs
  await expect(page.getByTestId('transcript')).toContainText('The ball moves right');
  await page.evaluate(() => {
    const s = window.__videoR2!.store.getState();
    s.setCompareRuns(s.runs.list().map((r) => r.id));
  });
  await token(page, 7).click(); // locked: maps, strip, legend and split show token 7
  await page.getByTestId('pair-maps').locator('button[data-pair="3"] .pair-time').click();
  await expect(page.getByTestId('reverse-view').locator('li').first()).toContainText('#7');
  for (const [w, h] of [
    [1024, 700],
    [1920, 1080],
  ] as const)
    for (const theme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.evaluate((t) => (document.documentElement.dataset['theme'] = t), theme);
      await expect(page.getByTestId('heat-strip')).toHaveAttribute('data-argmax', '3');
      await screenshot(page, `inspector-all-${w}x${h}-${theme}`);
    }
});

test('bad bundles: truncated, foreign, newer version → specific messages, open runs untouched', async ({ page }) => {
  await openApp(page);
  await openBundle(page, BUNDLE);
  await expect(page.getByTestId('transcript')).toContainText('The ball moves right');
  const good = readFileSync(BUNDLE, 'utf8');
  const cases: [string, string, RegExp][] = [
    ['cut.json', good.slice(0, Math.floor(good.length / 2)), /truncated/],
    ['foreign.json', JSON.stringify({ hello: 'world' }), /not a Video-R2 Web run bundle/],
    [
      'newer.json',
      JSON.stringify({ ...JSON.parse(good), version: 99, appVersion: '9.0.0' }),
      /newer Video-R2 Web.*bundle version 99/,
    ],
  ];
  for (const [name, text, message] of cases) {
    await openBundleText(page, name, text);
    await expect(page.getByTestId('import-error')).toContainText(message);
    await expect(page.getByTestId('import-error')).toContainText(name);
    await expect(page.getByLabel('Run shown').locator('option')).toHaveCount(1);
    await expect(page.getByTestId('transcript')).toContainText('The ball moves right');
  }
  await screenshot(page, 'inspector-bad-bundle');
});

test('tiny checkpoint: live views while streaming, lock, reverse, seek, compare, export and re-open', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  await openApp(page);
  await setSampling(page, { countMode: 'nframes', nframes: 4, minPixels: 3136, maxPixels: 12544 });
  await dropVideo(page, 'h264-bframes.mp4');
  await settledVideo(page);
  const ask = page.getByRole('region', { name: 'Ask' });
  await ask.getByRole('button', { name: 'Decoding' }).click();
  await ask.getByLabel('Max new tokens').fill('12');
  await page.getByRole('button', { name: '▶ Run' }).click();

  // While it streams: hovering a token shows its heat strip and maps; the transcript keeps growing.
  const count = () =>
    page.evaluate(() => {
      const s = window.__videoR2!.store.getState();
      return (s.run.runId && s.runs.get(s.run.runId)?.tokens?.count) || 0;
    });
  await expect.poll(count, { timeout: 120_000 }).toBeGreaterThan(3);
  await token(page, 1).hover();
  await expect(page.getByTestId('heat-strip').first()).toHaveAttribute('data-focus', '1-2');
  const pairs = page.getByTestId('pair-maps').locator('canvas.map-canvas');
  await expect(pairs).toHaveCount(2);
  await expect(pairs.first()).toHaveAttribute('data-argmax', /\d+,\d+/);
  await screenshot(page, 'inspector-live-streaming');
  await page.waitForFunction(
    () => ['done', 'cancelled', 'error'].includes(window.__videoR2!.store.getState().run.status),
    undefined,
    { timeout: 240_000 },
  );
  expect(await page.evaluate(() => window.__videoR2!.store.getState().run.status)).toBe('done');

  // Lock token 2, pick pair 2 (seeks the player to its first frame), the reverse view ranks tokens.
  await token(page, 2).click();
  await expect(page.getByTestId('focus-label')).toContainText('token 2 (locked)');
  await page.getByTestId('pair-maps').locator('button[data-pair="1"] .pair-time').click();
  await expect(page.getByTestId('reverse-view').locator('li')).not.toHaveCount(0);
  const t1 = await page.evaluate(() => window.__videoR2!.store.getState().video.frames[2]!.referenceTime);
  await page.waitForFunction(
    (t) => Math.abs((document.querySelector('video.player') as HTMLVideoElement).currentTime - t) < 0.05,
    t1,
  );
  await expect(page.getByTestId('player-overlay')).toHaveAttribute('data-pair', '1');
  // The Video panel's strip: each of the 4 sampled frames carries its pair's map, the same as the pair's own map.
  const stripMaps = page.getByTestId('frame-strip').locator('canvas.strip-map');
  await expect(stripMaps).toHaveCount(4);
  for (let frame = 0; frame < 4; frame++) {
    const pair = Math.floor(frame / 2);
    const want = await pairs.nth(pair).getAttribute('data-argmax');
    await expect(stripMaps.nth(frame), `frame ${frame} shows pair ${pair}'s map`).toHaveAttribute('data-argmax', want!);
  }
  const vas1 = await page.getByTestId('run-vas').locator('.big-value').innerText();
  await screenshot(page, 'inspector-live-locked');

  // A second run with 6 frames, compared with the first: four boxes on one axis, two transcripts.
  await setSampling(page, { nframes: 6 });
  await page.waitForFunction(() => {
    const v = window.__videoR2!.store.getState().video;
    return v.status === 'ready' && v.plan?.nframes === 6;
  });
  await page.getByRole('button', { name: '▶ Run' }).click();
  await page.waitForFunction(
    () =>
      window.__videoR2!.store.getState().runs.list().length === 2 &&
      window.__videoR2!.store.getState().run.status === 'done',
    undefined,
    { timeout: 240_000 },
  );
  const compare = page.getByTestId('compare-panel');
  await compare.getByRole('checkbox').first().check();
  await expect(compare.getByTestId('compare-boxplot').locator('g.bp-group')).toHaveCount(2); // the tiny model writes no <think>/<answer>: one box of all tokens per run
  await expect(compare.locator('.compact-transcript')).toHaveCount(2);
  await expect(page.getByTestId('pair-maps').locator('canvas.map-canvas')).toHaveCount(3);
  await screenshot(page, 'inspector-live-compare');

  // Export: view PNG, Figure 1, and the compared runs as JSON.
  for (const id of ['export-view-png', 'export-figure-png', 'export-figure-svg']) {
    const dl = page.waitForEvent('download');
    await page.getByTestId(id).click();
    const file = await dl;
    const path = join(
      REPO,
      'e2e/.artifacts/screenshots',
      `inspector-export-${id}${id.endsWith('svg') ? '.svg' : '.png'}`,
    );
    await file.saveAs(path);
    expect(readFileSync(path).length, `${id} wrote a file`).toBeGreaterThan(1000);
  }
  const dl = page.waitForEvent('download');
  await page.getByTestId('export-compared-json').click();
  const bundlePath = join(REPO, 'e2e/.artifacts/screenshots', 'inspector-export-runs.json');
  await (await dl).saveAs(bundlePath);
  const before = await page.getByTestId('transcript').innerText();

  // Re-open in a fresh page without any model: identical transcript, summary and maps for the same token.
  const fresh = await browser.newPage();
  await openApp(fresh);
  await openBundle(fresh, bundlePath);
  await expect(fresh.getByLabel('Run shown').locator('option')).toHaveCount(2);
  // The bundle holds the shown run (the second) first.
  await fresh.getByLabel('Run shown').selectOption({ index: 0 });
  await expect(fresh.getByTestId('transcript')).toHaveText(before);
  await token(fresh, 2).click();
  await expect(fresh.getByTestId('heat-strip').first()).toHaveAttribute('data-focus', '2-3');
  await fresh.getByLabel('Run shown').selectOption({ index: 1 });
  await expect(fresh.getByTestId('run-vas').locator('.big-value')).toHaveText(vas1);
  await screenshot(fresh, 'inspector-reopened');
  await fresh.close();
});
