// Run bundles in the app: open the committed synthetic bundle (no model loaded), see its answer and the runs list,
// export it and open the export again; a broken bundle says why and changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp, screenshot } from './support/app';
import { REPO } from './support/paths';

const BUNDLE = join(REPO, 'e2e/fixtures/synthetic-run.bundle.json');

test('open a run bundle without a model, export it, re-open it; a truncated bundle changes nothing', async ({
  page,
}) => {
  await openApp(page);
  const answer = page.getByRole('region', { name: 'Answer' });
  await answer.getByLabel('Open a run bundle').setInputFiles(BUNDLE);
  await expect(answer.getByTestId('transcript')).toContainText('The ball moves right. At 00:06 it stops.');
  await expect(answer.getByTestId('run-status')).toContainText('prompt 140 tokens · 22 generated');
  await expect(answer.getByLabel('Run shown')).toContainText(
    'Synthetic · known attention · imported · synthetic.mp4, 8 frames · done',
  );
  expect(await page.evaluate(() => window.__videoR2!.store.getState().model.status), 'no model was loaded').toBe(
    'idle',
  );
  await screenshot(page, 'runs-imported');

  // Export → the same bundle content, which opens again as a second run.
  const download = page.waitForEvent('download');
  await answer.getByRole('button', { name: 'Export run' }).click();
  const exported = await (await download).path();
  const back = JSON.parse(readFileSync(exported, 'utf8'));
  const original = JSON.parse(readFileSync(BUNDLE, 'utf8'));
  expect(back.runs[0].tokens).toEqual(original.runs[0].tokens);
  await answer.getByLabel('Open a run bundle').setInputFiles(exported);
  await expect(answer.getByLabel('Run shown').locator('option')).toHaveCount(2);

  // A truncated bundle: a specific message, the two runs and the one shown unchanged.
  const shown = await page.evaluate(() => window.__videoR2!.store.getState().runView.selected);
  await answer
    .getByLabel('Open a run bundle')
    .setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: readFileSync(BUNDLE).subarray(0, 2000) });
  await expect(answer.getByTestId('import-error')).toContainText('“cut.json” is cut short');
  await expect(answer.getByLabel('Run shown').locator('option')).toHaveCount(2);
  expect(await page.evaluate(() => window.__videoR2!.store.getState().runView.selected)).toBe(shown);
  await expect(answer.getByTestId('transcript')).toContainText('The ball moves right.');
  await screenshot(page, 'runs-import-error');
});

test('the tapped layer is a run setting: empty means the final layer', async ({ page }) => {
  await openApp(page);
  const ask = page.getByRole('region', { name: 'Ask' });
  await ask.getByRole('button', { name: 'Decoding' }).click();
  const layer = ask.getByLabel(/Attention of layer/);
  await expect(layer).toHaveValue('');
  await layer.fill('1');
  expect(await page.evaluate(() => window.__videoR2!.store.getState().tapLayer)).toBe(1);
  await screenshot(page, 'runs-tap-layer');
  await layer.fill('');
  expect(await page.evaluate(() => window.__videoR2!.store.getState().tapLayer)).toBeNull();
});
