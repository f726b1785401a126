// Issues 10 and 12 against the Hub look-alike (e2e/support/hub-server.ts) set as the app's Hub endpoint: a custom
// repo id is checked before any request, a gated repo without a token and a repo that is not Qwen2.5-VL get their
// messages while the working model stays loaded, a real load goes through the redirect to the second origin with
// CORS, and after a reload the cached copy loads with no weight request at all.
import { expect, test, type Page } from '@playwright/test';
import { startHubServer, tinyCheckpointFiles, type HubServer } from './support/hub-server';
import { screenshot } from './support/app';

const tinyFiles = tinyCheckpointFiles();
const notQwen = {
  ...tinyFiles,
  'config.json': JSON.stringify({
    ...JSON.parse(new TextDecoder().decode(tinyFiles['config.json'])),
    model_type: 'llama',
    architectures: ['LlamaForCausalLM'],
  }),
};

let hub: HubServer;
test.beforeAll(async () => {
  hub = await startHubServer({
    'test-org/tiny-vl': { files: tinyFiles },
    'test-org/gated-vl': { files: tinyFiles, token: 'hf_e2e' },
    'test-org/llama': { files: notQwen },
  });
});
test.afterAll(() => hub.close());

async function useRepo(page: Page, id: string): Promise<void> {
  await page.getByLabel('Hugging Face repository').fill(id);
  await page.getByRole('button', { name: 'Use', exact: true }).click();
}

const storeModel = (page: Page) =>
  page
    .evaluate(() => window.__videoR2!.store.getState().model)
    .then((m) => ({ status: m.status, loaded: m.summary?.id ?? null, error: m.error, fromCache: m.fromCache }));

test('custom repos from a configured Hub endpoint: checks, gated, not Qwen2.5-VL, a real load, then the cache', async ({
  page,
}) => {
  await page.addInitScript((endpoint) => {
    if (!localStorage.getItem('video-r2.hub-settings'))
      localStorage.setItem('video-r2.hub-settings', JSON.stringify({ endpoint, revision: 'main', token: '' }));
  }, hub.url);
  await page.goto('/');
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 120_000 });

  // Empty and malformed ids say why, and Load cannot silently reload the previous repository.
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Other Hugging Face repo…' });
  await expect(page.locator('#custom-repo-hint')).toHaveText('Enter a Hugging Face repository id (owner/name).');
  await expect(page.getByRole('button', { name: 'Load model' })).toBeDisabled();
  await page.getByLabel('Hugging Face repository').fill('not a repo');
  await expect(page.locator('#custom-repo-hint')).toContainText('owner/name expected');
  expect(hub.log, 'nothing was requested from the Hub while choosing').toEqual([]);
  await useRepo(page, 'test-org/gated-vl');
  await expect(page.getByRole('button', { name: 'GPU memory plan' })).toBeVisible();
  expect(hub.log, 'the plan of a chosen repo uses the bundled 7B config: no request before Load').toEqual([]);

  // Gated without a token: a specific message, nothing large fetched, the tiny model still loaded and usable.
  await expect(page.locator('.model-note')).toContainText(`requests its files from ${new URL(hub.url).host}`);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.getByRole('alert')).toContainText('HTTP 401');
  await expect(page.getByRole('alert')).toContainText(
    'gated or private: add a Hugging Face access token (Hub settings)',
  );
  await expect(page.getByRole('alert')).toContainText('Video-R2 tiny (offline demo) is still loaded and usable.');
  expect(await storeModel(page)).toMatchObject({ status: 'ready', loaded: 'video-r2-tiny' });
  expect(
    hub.log.filter((r) => r.origin === 'cdn'),
    'no weight bytes for a gated repo',
  ).toEqual([]);
  await screenshot(page, 'hub-gated-kept-model');

  // Not a Qwen2.5-VL checkpoint: said from config.json alone; the error clears when another model is chosen.
  await useRepo(page, 'test-org/llama');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.getByRole('alert')).toContainText(/llama|Qwen2\.5-VL/i);
  expect(
    hub.log.filter((r) => r.origin === 'cdn' && r.file === 'model.safetensors' && r.bytes > 1 << 20),
    'no weights streamed for a non-Qwen repo',
  ).toEqual([]);
  expect((await storeModel(page)).loaded).toBe('video-r2-tiny');

  // A real load: weights redirected to the second origin, read with Range, quantized and cached.
  await useRepo(page, 'test-org/tiny-vl');
  hub.log.length = 0;
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 180_000 });
  expect(await storeModel(page)).toMatchObject({
    status: 'ready',
    loaded: 'test-org/tiny-vl',
    error: null,
    fromCache: false,
  });
  const size = tinyFiles['model.safetensors']!.byteLength;
  expect(
    hub.log.filter((r) => r.origin === 'hub').map((r) => r.status),
    'weights were redirected',
  ).toContain(302);
  expect(
    hub.log.filter((r) => r.origin === 'cdn' && r.status !== 206).map((r) => r.status),
    'weight reads that were not ranges',
  ).toEqual([]);
  expect(hub.bytesSent('model.safetensors'), 'the weights file was fetched once (no byte twice)').toBeLessThanOrEqual(
    size,
  );

  // Second visit: the cached q4 copy loads without a single request.
  await page.reload();
  hub.log.length = 0;
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Other Hugging Face repo…' });
  await useRepo(page, 'test-org/tiny-vl');
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('(from cache)', { timeout: 120_000 });
  await page.getByRole('button', { name: 'GPU memory plan' }).waitFor();
  expect(hub.log, 'choosing the repo, planning and loading the cached copy made no request').toEqual([]);
});

test('a download that stalls says so within seconds, then resumes from where it stopped', async ({ page }) => {
  await page.addInitScript(
    (endpoint) =>
      localStorage.setItem('video-r2.hub-settings', JSON.stringify({ endpoint, revision: 'main', token: '' })),
    hub.url,
  );
  await page.goto('/');
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Other Hugging Face repo…' });
  await useRepo(page, 'test-org/tiny-vl');
  hub.log.length = 0;
  hub.faults.stall = { file: 'model.safetensors', afterBytes: 200_000 };
  await page.getByRole('button', { name: 'Load model' }).click();
  // The watchdog fires after 10 s of silence; the bound here only guards against "never".
  await expect(page.locator('.topbar')).toContainText('the connection stalled, retrying', { timeout: 45_000 });
  await screenshot(page, 'hub-stalled');
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 180_000 });
  hub.faults.stall = null;
  expect(hub.bytesSent('model.safetensors'), 'nothing fetched twice after the stall').toBeLessThanOrEqual(
    tinyFiles['model.safetensors']!.byteLength,
  );
});
