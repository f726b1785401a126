// Issue 10: the built app on a plain static server that ignores Range (`python3 -m http.server`) still loads the
// bundled tiny model, streaming each file's whole body in bounded pieces, and says resume is unavailable there.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO } from './support/paths';
import { screenshot } from './support/app';

const PORT = 4198;
let server: ChildProcess;

test.beforeAll(async () => {
  server = spawn(
    'python3',
    ['-m', 'http.server', String(PORT), '--bind', '127.0.0.1', '--directory', join(REPO, 'dist')],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`http://127.0.0.1:${PORT}/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('python3 -m http.server did not start');
});
test.afterAll(() => {
  server.kill();
});

test('python3 -m http.server (no Range): the tiny model loads and the UI says resume is unavailable', async ({
  page,
}) => {
  const statuses: number[] = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/model.safetensors')) statuses.push(r.status());
  });
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.getByRole('heading', { name: 'Video-R2 Web' }).waitFor();
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready'), 'the model loaded').toContainText('on GPU', { timeout: 180_000 });
  await expect(page.locator('.warn-box')).toContainText('ignores HTTP Range requests');
  expect(statuses.length, 'model.safetensors was requested').toBeGreaterThan(0);
  expect(
    statuses.filter((s) => s !== 200),
    'answers that were not a whole body',
  ).toEqual([]);
  await screenshot(page, 'static-host-no-range');
});
