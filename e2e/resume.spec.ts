// Issue 10, resume and integrity against the Hub look-alike: a download cut by a page reload resumes and fetches
// only the remainder (the server's log proves it), the next visit makes no request, a corrupted cache part is
// fetched again alone, and a source file whose ETag changed restarts that file only.
import { expect, test, type Page } from '@playwright/test';
import { startHubServer, tinyCheckpointFiles, type HubServer } from './support/hub-server';
import { screenshot } from './support/app';

const { 'model.safetensors': weights, ...small } = tinyCheckpointFiles() as Record<string, Uint8Array> & {
  'model.safetensors': Uint8Array;
};

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}
function header(file: Uint8Array): { start: number; entries: Record<string, HeaderEntry> } {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const json = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n))) as Record<string, HeaderEntry>;
  delete json.__metadata__;
  return { start: 8 + n, entries: json };
}

/** The tiny checkpoint as two shards: vision + lm_head in shard 1, the rest (embed, layers, norm) in shard 2. */
function shards(): { files: Record<string, Uint8Array | string>; shardOf: Map<string, string> } {
  const { start, entries } = header(weights);
  const names = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'] as const;
  const shardOf = new Map<string, string>();
  const files: Record<string, Uint8Array | string> = { ...small };
  for (const [i, file] of names.entries()) {
    const mine = Object.keys(entries).filter((k) => (k.startsWith('visual.') || k === 'lm_head.weight') === (i === 0));
    const h: Record<string, HeaderEntry> = {};
    let at = 0;
    for (const k of mine) {
      const [a, b] = entries[k]!.data_offsets;
      h[k] = { ...entries[k]!, data_offsets: [at, at + b - a] };
      at += b - a;
      shardOf.set(k, file);
    }
    const json = new TextEncoder().encode(JSON.stringify(h));
    const out = new Uint8Array(8 + json.byteLength + at);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
    out.set(json, 8);
    for (const k of mine) {
      const [a, b] = entries[k]!.data_offsets;
      out.set(weights.subarray(start + a, start + b), 8 + json.byteLength + h[k]!.data_offsets[0]);
    }
    files[file] = out;
  }
  files['model.safetensors.index.json'] = JSON.stringify({ metadata: {}, weight_map: Object.fromEntries(shardOf) });
  return { files, shardOf };
}

const SINGLE = 'test-org/resume-vl';
const SHARDED = 'test-org/sharded-vl';
const sharded = shards();
let hub: HubServer;
test.beforeAll(async () => {
  hub = await startHubServer({
    [SINGLE]: { files: { ...small, 'model.safetensors': weights } },
    [SHARDED]: { files: sharded.files },
  });
});
test.afterAll(() => hub.close());

async function openWithRepo(page: Page, repo: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Other Hugging Face repo…' });
  await page.getByLabel('Hugging Face repository').fill(repo);
  await page.getByRole('button', { name: 'Use', exact: true }).click();
  // The largest `resumed` any progress event reported, kept on window for the test to read.
  await page.evaluate(() => {
    const w = window as unknown as { __resumed: number };
    w.__resumed = 0;
    window.__videoR2!.store.subscribe((s) => {
      w.__resumed = Math.max(w.__resumed, s.model.progress?.transfer?.resumed ?? 0);
    });
  });
}

const resumedBytes = (page: Page) => page.evaluate(() => (window as unknown as { __resumed: number }).__resumed);
const weightBytes = (file: string) =>
  hub.log.filter((r) => r.file === file && r.origin === 'cdn').reduce((a, r) => a + r.bytes, 0);

/** Starts a throttled load and reloads the page once the cache's manifest in progress records `label`. */
async function interrupt(page: Page, repo: string, label: string): Promise<void> {
  hub.faults.bytesPerSecond = 3_000_000;
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect
    .poll(
      () =>
        page.evaluate(
          async ({ repo, label }) => {
            // The app creates the cache folder when the load starts: until then, nothing is recorded.
            const root = await (
              await navigator.storage.getDirectory()
            )
              .getDirectoryHandle('video-r2-models')
              .catch(() => null);
            if (!root) return false;
            const dirs = (root as unknown as { values(): AsyncIterable<FileSystemDirectoryHandle> }).values();
            for await (const dir of dirs) {
              const f = await dir
                .getFileHandle('pending.json')
                .then((h) => h.getFile())
                .catch(() => null);
              // Read while the app may be rewriting it: a partial file is "not yet", not an error.
              type Pending = { modelId: string; tensors?: Record<string, unknown> };
              const text = f ? await f.text() : '';
              let m: Pending | null = null;
              try {
                m = JSON.parse(text) as Pending;
              } catch {
                // empty or partial: not recorded yet
              }
              if (m?.modelId === repo && m.tensors?.[label]) return true;
            }
            return false;
          },
          { repo, label },
        ),
      { timeout: 90_000, message: `${label} was never recorded as cached` },
    )
    .toBe(true);
  await page.reload();
  hub.faults.bytesPerSecond = null;
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(
    (endpoint) =>
      localStorage.setItem('video-r2.hub-settings', JSON.stringify({ endpoint, revision: 'main', token: '' })),
    hub.url,
  );
});

test('a reload mid-download resumes with only the remainder, the next visit makes no request, a corrupted part is fetched again alone', async ({
  page,
}) => {
  const { start, entries } = header(weights);
  const embed = entries['model.embed_tokens.weight']!.data_offsets;
  await openWithRepo(page, SINGLE);
  hub.log.length = 0;
  // The vision tower, then embed_tokens (9.7 MB) are loaded first; cut the download once embed_tokens is cached.
  await interrupt(page, SINGLE, 'model.embed_tokens');
  const first = weightBytes('model.safetensors');

  hub.log.length = 0;
  await openWithRepo(page, SINGLE);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 120_000 });
  await screenshot(page, 'resume-after-reload');
  const second = weightBytes('model.safetensors');
  const resumed = await resumedBytes(page);
  expect(resumed, 'the app reported bytes resumed from the cache').toBeGreaterThanOrEqual(embed[1] - embed[0]);
  // Only the remainder: what the cache did not hold (plus the safetensors header, read again to check the file).
  expect(
    second,
    `second load fetched ${second} B; the file has ${weights.byteLength} B, ${resumed} were resumed`,
  ).toBeLessThanOrEqual(weights.byteLength - resumed + start);
  expect(first + second, 'the two loads together fetched little more than the file once').toBeLessThan(
    weights.byteLength + 8 * 2 ** 20,
  );
  const ranges = hub.log.filter((r) => r.file === 'model.safetensors' && r.range).map((r) => r.range!);
  for (const r of ranges) {
    const [a, b] = r.replace('bytes=', '').split('-').map(Number) as [number, number];
    expect(b < start + embed[0] || a >= start + embed[1], `range ${r} re-read the cached embed_tokens`).toBe(true);
  }

  // (The next visit's zero requests are asserted by hub.spec.ts, on the same cache path.)

  // Corrupt one part (embed_tokens) in OPFS: only that part is fetched again.
  const corrupted = await page.evaluate(async (repo) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('video-r2-models');
    for await (const dir of (root as unknown as { values(): AsyncIterable<FileSystemDirectoryHandle> }).values()) {
      if (dir.kind !== 'directory') continue;
      const m = JSON.parse(await (await (await dir.getFileHandle('manifest.json')).getFile()).text()) as {
        modelId: string;
      };
      if (m.modelId !== repo) continue;
      const fh = await dir.getFileHandle('model.embed_tokens@0.bin');
      const size = (await fh.getFile()).size;
      const w = await fh.createWritable({ keepExistingData: true });
      await w.write({ type: 'write', position: Math.floor(size / 2), data: new Uint8Array([1, 2, 3, 4, 5]) });
      await w.close();
      return size;
    }
    return 0;
  }, SINGLE);
  expect(corrupted, 'found the cached embed_tokens part').toBeGreaterThan(0);
  hub.log.length = 0;
  await openWithRepo(page, SINGLE);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('(from cache)', { timeout: 120_000 });
  await expect(page.locator('.warn-box')).toContainText('1 cached part was damaged');
  // Requests past the header (ranges, not bytes: Chromium's HTTP cache may answer part of a range itself).
  const rangeOf = (range: string) => range.replace('bytes=', '').split('-').map(Number) as [number, number];
  const refetched = hub.log.filter((r) => r.file === 'model.safetensors' && r.range && rangeOf(r.range)[0] >= start);
  expect(refetched.length, 'weights were requested again').toBeGreaterThan(0);
  for (const r of refetched) {
    const [a, b] = rangeOf(r.range!);
    expect(a >= start + embed[0] && b < start + embed[1], `range ${r.range} is outside the corrupted part`).toBe(true);
  }
  expect(weightBytes('model.safetensors')).toBeLessThanOrEqual(embed[1] - embed[0] + start);
});

test('a shard whose ETag changed since the interrupted download restarts; the other shard resumes', async ({
  page,
}) => {
  const [s1, s2] = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  const size = (f: string) => (sharded.files[f] as Uint8Array).byteLength;
  await openWithRepo(page, SHARDED);
  hub.log.length = 0;
  // Vision (shard 1), then embed_tokens (shard 2) load first; cut after embed_tokens.
  await interrupt(page, SHARDED, 'model.embed_tokens');
  hub.touch(SHARDED, s1);
  hub.log.length = 0;
  await openWithRepo(page, SHARDED);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.load-files'), 'per-file progress, with what was resumed').toContainText(`${s2}: `);
  await expect(page.locator('.load-files')).toContainText('resumed)');
  await screenshot(page, 'resume-loading-sharded');
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 120_000 });
  await expect(page.locator('.warn-box')).toContainText(`${s1} changed on the server since the interrupted download`);
  await screenshot(page, 'resume-etag-changed');
  const h1 = header(sharded.files[s1] as Uint8Array).start;
  expect(weightBytes(s1), 'the changed shard was fetched whole again').toBeGreaterThanOrEqual(size(s1) - h1);
  const resumed = await resumedBytes(page);
  expect(resumed, 'the unchanged shard resumed').toBeGreaterThan(9_000_000);
  expect(weightBytes(s2), 'shard 2: only its remainder').toBeLessThanOrEqual(
    size(s2) - resumed + header(sharded.files[s2] as Uint8Array).start,
  );
});

test('an 8-bit load resumes like a 4-bit one, in its own cache entry whose parts hold q8 codes', async ({ page }) => {
  const embed = header(weights).entries['model.embed_tokens.weight']!.data_offsets;
  await openWithRepo(page, SINGLE);
  await page.getByLabel('Weights').selectOption('q8');
  await interrupt(page, SINGLE, 'model.embed_tokens');
  hub.log.length = 0;
  await openWithRepo(page, SINGLE);
  await page.getByLabel('Weights').selectOption('q8');
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('.model-ready')).toContainText('on GPU', { timeout: 120_000 });
  expect(await resumedBytes(page), 'the q8 parts written before the reload were kept').toBeGreaterThanOrEqual(
    embed[1] - embed[0],
  );
  const entries = await page.evaluate(async () => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('video-r2-models');
    const out: { scheme: string; embed: string; complete: boolean }[] = [];
    for await (const dir of (root as unknown as { values(): AsyncIterable<FileSystemDirectoryHandle> }).values()) {
      const m = JSON.parse(await (await (await dir.getFileHandle('manifest.json')).getFile()).text()) as {
        quantization: { id: string };
        tensors: Record<string, { format: string }>;
        completedAt: string | null;
      };
      out.push({
        scheme: m.quantization.id,
        embed: m.tensors['model.embed_tokens']!.format,
        complete: m.completedAt !== null,
      });
    }
    return out;
  });
  expect(entries).toEqual([{ scheme: 'q8_0-sym-g32-f16', embed: 'q8', complete: true }]);
});
