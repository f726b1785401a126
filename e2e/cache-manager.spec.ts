// Issue 10's cache manager and quantized folder against the Hub look-alike (e2e/support/hub-server.ts), in one
// fresh browser profile (one shader compilation, which costs most of an answer's time on SwiftShader):
// 1. `npm run quantize-folder` makes the folder from the checkpoint on disk; loaded through Model → Local folder…
//    it makes zero Hub requests and answers;
// 2. the same repo loaded from the Hub (downloaded, quantized on the GPU, cached) answers with identical tokens;
// 3. the cache manager lists it with storage use and persistence (screenshots, light and dark), and its export is
//    byte-identical to the script's folder (so CPU quantizer == GPU quantizer and the checksums agree; export → import is covered);
// 4. deleting it keeps the model running, and the next visit downloads again (the server's log proves it).
// (A gated repo without a token is covered in hub.spec.ts: its message comes before any weight request.)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHubServer, tinyCheckpointFiles, type HubServer } from './support/hub-server';
import { REPO } from './support/paths';
import { REFERENCE_URL, dropFile, openApp, screenshot, setSampling, settledVideo } from './support/app';

const TINY = join(REPO, 'public/models/video-r2-tiny');
const REPO_ID = 'test-org/tiny-vl';
const tinyFiles = tinyCheckpointFiles();
const WEIGHTS_SIZE = tinyFiles['model.safetensors']!.byteLength;

let hub: HubServer;
let work: string;
test.beforeAll(async () => {
  hub = await startHubServer({ [REPO_ID]: { files: tinyFiles } });
  work = mkdtempSync(join(tmpdir(), 'vr2-cache-e2e-'));
});
test.afterAll(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

async function openWithHub(page: Page): Promise<void> {
  await page.addInitScript((endpoint) => {
    localStorage.setItem('video-r2.hub-settings', JSON.stringify({ endpoint, revision: 'main', token: '' }));
  }, hub.url);
  await openApp(page);
}

async function loadHubRepo(page: Page): Promise<void> {
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Other Hugging Face repo…' });
  await page.getByLabel('Hugging Face repository').fill(REPO_ID);
  await page.getByRole('button', { name: 'Use', exact: true }).click();
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 180_000 });
}

async function openVideo(page: Page): Promise<void> {
  await setSampling(page, { countMode: 'nframes', nframes: 4, minPixels: 3136, maxPixels: 15680 });
  await dropFile(page, `${REFERENCE_URL}goldens/e2e-grey-lossless/video.mp4`, 'e2e-grey-lossless.mp4', 'video/mp4');
  expect((await settledVideo(page)).error, 'the video opened').toBeNull();
}

/** Greedy tokens for the open video and a fixed question (6 new tokens, no attention tap). */
async function answerTokens(page: Page): Promise<number[]> {
  await page.evaluate(() => {
    const s = window.__videoR2!.store.getState();
    s.setPrompt({ question: 'What is happening in this video?' });
    s.setParams({ maxNewTokens: 6, doSample: false });
    s.setAttention(false);
    void s.startRun();
  });
  await page.waitForFunction(
    () => ['done', 'cancelled', 'error'].includes(window.__videoR2!.store.getState().run.status),
    undefined,
    { timeout: 300_000, polling: 200 },
  );
  const r = await page.evaluate(() => {
    const s = window.__videoR2!.store.getState();
    const run = s.run.runId ? s.runs.get(s.run.runId) : undefined;
    return { error: s.run.error, ids: run?.tokens ? Array.from(run.tokens.ids) : [] };
  });
  expect(r.error, 'the run did not fail').toBeNull();
  expect(r.ids.length, 'tokens were generated').toBeGreaterThan(0);
  return r.ids;
}

/** Every file under an OPFS folder of the page, as relative path → bytes. */
async function opfsFiles(page: Page, folder: string[]): Promise<Map<string, Buffer>> {
  const files = await page.evaluate(async (folder) => {
    let dir = await navigator.storage.getDirectory();
    for (const p of folder) dir = await dir.getDirectoryHandle(p);
    const out: [string, string][] = [];
    const walk = async (d: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const h of (d as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
        if (h.kind === 'directory') await walk(h as FileSystemDirectoryHandle, `${prefix}${h.name}/`);
        else {
          const bytes = new Uint8Array(await (await (h as FileSystemFileHandle).getFile()).arrayBuffer());
          let bin = '';
          for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          out.push([`${prefix}${h.name}`, btoa(bin)]);
        }
      }
    };
    await walk(dir, '');
    return out;
  }, folder);
  return new Map(files.map(([p, b]) => [p, Buffer.from(b, 'base64')]));
}

function diskFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** A manifest without what legitimately differs between two writers: times and where the bytes came from. */
function comparableManifest(bytes: Buffer): unknown {
  const { createdAt, completedAt, source, ...rest } = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  expect([typeof createdAt, typeof completedAt, typeof source]).toEqual(['string', 'string', 'object']);
  return rest;
}

test('quantized folder, cache manager, export = quantize-folder bytes, delete', async ({ page }) => {
  const key = 'test-org-tiny-vl@main~q4_0-sym-g32-f16~3dc0af2c';
  const script = promisify(execFile)(
    process.execPath,
    ['scripts/quantize-folder/run.mjs', TINY, join(work, 'script'), '--model-id', REPO_ID],
    { cwd: REPO },
  );
  await openWithHub(page);
  await openVideo(page);
  await script;
  const scripted = diskFiles(join(work, 'script', key));

  // 1. The script's folder, picked as a local folder: no Hub request, no quantizing, an answer.
  hub.log.length = 0;
  await page.locator('input[type=file][webkitdirectory]').setInputFiles(join(work, 'script', key));
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 180_000 });
  const m = await page.evaluate(() => window.__videoR2!.store.getState().model);
  expect([m.summary?.quantization, m.error, m.fromCache]).toEqual(['q4', null, false]);
  const fromFolder = await answerTokens(page);
  expect(hub.log, 'the quantized folder made no Hub request').toEqual([]);
  await screenshot(page, 'cache-folder-loaded');

  // 2. The same repo from the Hub: downloaded, quantized on the GPU, cached; the same tokens.
  await loadHubRepo(page);
  expect(hub.bytesSent('model.safetensors'), 'the weights were downloaded').toBe(WEIGHTS_SIZE);
  expect(await answerTokens(page), 'the folder answers as the downloaded model does').toEqual(fromFolder);

  // 3. The manager: the entry with revision, quantization, size and last use; storage against the estimate.
  await page.evaluate(() => {
    // Export goes to an OPFS folder the test can read back (Playwright cannot drive the native folder picker).
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker =
      async () => (await navigator.storage.getDirectory()).getDirectoryHandle('e2e-export', { create: true });
  });
  await page.getByRole('button', { name: 'Cached models' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cached models' });
  const row = dialog.getByRole('row', { name: new RegExp(REPO_ID) });
  await expect(row).toContainText('main');
  await expect(row).toContainText('q4_0-sym-g32-f16');
  await expect(row).toContainText(/just now|min ago/);
  await expect(row).toContainText(/\d+(\.\d)? MB/);
  await expect(dialog.getByTestId('cache-usage')).toContainText(/This site uses .+ of the .+ the browser allows it/);
  await expect(dialog.getByTestId('cache-persisted')).toContainText(/Storage (is|is not) persistent/);
  const info = await page.evaluate(() => window.__videoR2!.store.getState().cache.info);
  expect(info?.entries.map((e) => [e.key, e.modelId, e.revision, e.status])).toEqual([
    [key, REPO_ID, 'main', 'complete'],
  ]);
  expect(info!.usage!, 'estimate() usage covers the cached model').toBeGreaterThanOrEqual(info!.cacheBytes);
  // Persistence asked for from the page; whatever the browser answers is said, and persisted() is read again.
  await dialog.getByRole('button', { name: 'Keep storage persistent' }).click();
  await expect(dialog.getByRole('status')).toContainText(/Persistent storage granted|declined persistent storage/);
  const granted = await page.evaluate(() => navigator.storage.persisted());
  await expect(dialog.getByTestId('cache-persisted')).toContainText(
    granted ? 'Storage is persistent' : 'Storage is not persistent',
  );
  await screenshot(page, 'cache-manager-light');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Colour theme').selectOption('dark');
  await page.getByRole('button', { name: 'Cached models' }).click();
  await expect(row).toBeVisible();
  await screenshot(page, 'cache-manager-dark');

  // Export: the same files and bytes as the script's folder (the manifest differs only in times and source).
  await row.getByRole('button', { name: 'Export…' }).click();
  await expect(dialog.getByRole('status')).toContainText('Exported test-org/tiny-vl@main');
  const exported = await opfsFiles(page, ['e2e-export', key]);
  expect([...exported.keys()].sort(), 'the same files').toEqual([...scripted.keys()].sort());
  expect([...exported.keys()], 'format v2: one file per part').toContain('model.embed_tokens@0.bin');
  for (const [path, bytes] of exported) {
    if (path === 'manifest.json') continue;
    expect(bytes.equals(scripted.get(path)!), `${path}: the browser's export and quantize-folder differ`).toBe(true);
  }
  expect(comparableManifest(exported.get('manifest.json')!)).toEqual(
    comparableManifest(scripted.get('manifest.json')!),
  );

  // 4. Delete (confirmed, keyboard): the model keeps running; the next visit downloads it again.
  await row.getByRole('button', { name: 'Delete…' }).click();
  await expect(row).toContainText('It stays loaded until you reload the page');
  await expect(row.getByRole('button', { name: 'Delete', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('status')).toContainText('stays loaded and usable until this page is reloaded');
  await expect(dialog.getByRole('row', { name: new RegExp(REPO_ID) })).toHaveCount(0);
  expect(await page.evaluate(() => window.__videoR2!.store.getState().model.status)).toBe('ready');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.getByLabel('Colour theme').selectOption('system');
  await page.reload();
  hub.log.length = 0;
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Other Hugging Face repo…' });
  await page.getByLabel('Hugging Face repository').fill(REPO_ID);
  await page.getByRole('button', { name: 'Use', exact: true }).click();
  await page.getByRole('button', { name: 'Load model' }).click();
  // The weights stream from the CDN again (not from the cache); no need to wait for the whole load.
  await expect
    .poll(() => hub.bytesSent('model.safetensors'), { message: 'after the delete the weights are downloaded again' })
    .toBeGreaterThan(1 << 20);
});
