// UrlSource against the Hub look-alike (e2e/support/hub-server.ts) over real loopback HTTP: redirects to a second
// origin, Range/ETag, and each fault the server can inject; the server's log gives the bytes each attempt fetched.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../../e2e/support/hub-server';
import { tinyConfig } from '../../test-utils/test-configs';
import { openCheckpoint } from './checkpoint';
import { HttpError, MissingFileError } from './errors';
import { buildCheckpoint, type BuiltCheckpoint } from '../../test-utils/test-checkpoint';
import { UrlSource } from './url-source';

const REPO = 'test-org/tiny-vl';
const GATED = 'test-org/gated-vl';
const TOKEN = 'hf_test_token';
const TINY_DIR = new URL('../../../public/models/video-r2-tiny/', import.meta.url);
const noSleep = async (): Promise<void> => undefined;

let hub: HubServer;
let built: BuiltCheckpoint;
let tinyModel: Uint8Array;

beforeAll(async () => {
  built = buildCheckpoint(tinyConfig(), { shards: 2, layout: 'nested' });
  tinyModel = readFileSync(new URL('model.safetensors', TINY_DIR));
  hub = await startHubServer({
    [REPO]: { files: built.files },
    [GATED]: { files: built.files, token: TOKEN },
    'test-org/bundled-tiny': {
      files: { 'config.json': readFileSync(new URL('config.json', TINY_DIR), 'utf8'), 'model.safetensors': tinyModel },
    },
  });
});
afterAll(() => hub.close());
beforeEach(() => {
  hub.log.length = 0;
  for (const k of Object.keys(hub.faults)) delete hub.faults[k as keyof typeof hub.faults];
});

const SHARD = 'model-00001-of-00002.safetensors';
const shard = (): Uint8Array => built.files[SHARD] as Uint8Array;

async function streamAll(src: UrlSource, maxChunkBytes = 64 * 1024): Promise<Map<string, Uint8Array>> {
  const ckpt = await openCheckpoint(src);
  const out = new Map<string, Uint8Array>();
  for (const name of ckpt.tensors.keys()) {
    const parts: Uint8Array[] = [];
    for await (const c of ckpt.stream(name, { maxChunkBytes })) parts.push(c.bytes);
    out.set(name, new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer()));
  }
  return out;
}

// Real sockets on a shared 2-core machine: generous per-test time (these take well under a second when idle).
describe('Hub look-alike server', { timeout: 30_000 }, () => {
  it('serves small files directly, redirects weights to the second origin, lists the repo, and sends CORS headers', async () => {
    const src = new UrlSource(hub.resolveBase(REPO));
    expect(JSON.parse(await src.readText('config.json'))).toEqual(tinyConfig());
    expect(await src.readRange(SHARD, 100, 4196)).toEqual(shard().subarray(100, 4196));
    expect(hub.log.map((r) => [r.origin, r.file, r.status, r.range])).toEqual([
      ['hub', 'config.json', 200, null],
      ['hub', SHARD, 302, 'bytes=100-4195'],
      ['cdn', SHARD, 206, 'bytes=100-4195'],
    ]);
    expect(hub.bytesSent(SHARD), 'body bytes of the ranged read').toBe(4096);
    const info = await (await fetch(`${hub.url}/api/models/${REPO}/revision/main`)).json();
    expect(info.siblings.map((s: { rfilename: string }) => s.rfilename).sort()).toEqual(
      Object.keys(built.files).sort(),
    );
    const pre = await fetch(`${hub.cdnUrl}/x/y`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://app.test', 'Access-Control-Request-Headers': 'range' },
    });
    expect(pre.headers.get('Access-Control-Allow-Headers'), 'preflight allows Range').toMatch(/Range/);
    const res = await fetch(`${hub.resolveBase(REPO)}config.json`, { headers: { Origin: 'http://app.test' } });
    expect(res.headers.get('Access-Control-Expose-Headers'), 'ETag and Content-Range readable cross-origin').toMatch(
      /Content-Range.*ETag/,
    );
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('http://app.test');
  });

  it('answers If-None-Match with 304 and an unknown revision with 404', async () => {
    const first = await fetch(`${hub.resolveBase(REPO)}config.json`);
    const etag = first.headers.get('ETag')!;
    expect((await fetch(`${hub.resolveBase(REPO)}config.json`, { headers: { 'If-None-Match': etag } })).status).toBe(
      304,
    );
    expect((await fetch(`${hub.resolveBase(REPO, 'no-such-branch')}config.json`)).status).toBe(404);
  });

  it('a connection dropped mid-file resumes from the last byte: the file is fetched exactly once in total', async () => {
    hub.faults.drop = { file: SHARD, afterBytes: 3000 };
    const src = new UrlSource(hub.resolveBase(REPO), { sleep: noSleep });
    expect(await src.readRange(SHARD, 0, 20_000)).toEqual(shard().subarray(0, 20_000));
    const cdn = hub.log.filter((r) => r.origin === 'cdn');
    expect(cdn.map((r) => r.range)).toEqual(['bytes=0-19999', 'bytes=3000-19999']);
    expect(hub.bytesSent(SHARD), 'dropped bytes are not fetched again').toBe(20_000);
  });

  it('a stalled link (open, silent) is noticed, reported and resumed from the last byte', async () => {
    hub.faults.stall = { file: SHARD, afterBytes: 1000 };
    const stalls: { path: string; received: number }[] = [];
    const src = new UrlSource(hub.resolveBase(REPO), {
      sleep: noSleep,
      stallMs: 300,
      onStall: ({ path, received }) => void stalls.push({ path, received }),
    });
    expect(await src.readRange(SHARD, 0, 20_000)).toEqual(shard().subarray(0, 20_000));
    expect(stalls).toEqual([{ path: SHARD, received: 1000 }]);
    expect(hub.log.filter((r) => r.origin === 'cdn').map((r) => r.range)).toEqual([
      'bytes=0-19999',
      'bytes=1000-19999',
    ]);
  });

  it('429 waits at least Retry-After before trying again', async () => {
    hub.faults.tooMany = { file: SHARD, times: 2, retryAfterS: 3 };
    const waits: number[] = [];
    const src = new UrlSource(hub.resolveBase(REPO), { retryDelayMs: 100, sleep: async (ms) => void waits.push(ms) });
    expect(await src.readRange(SHARD, 0, 64)).toEqual(shard().subarray(0, 64));
    expect(waits).toEqual([3000, 3000]);
  });

  it('a file whose ETag changes mid-download is reported as changed, not silently mixed', async () => {
    hub.faults.changeEtag = { file: SHARD, afterBytes: 1000 };
    const src = new UrlSource(hub.resolveBase(REPO));
    await src.readRange(SHARD, 0, 2000);
    await expect(src.readRange(SHARD, 2000, 4000)).rejects.toThrow(
      /changed on the server while loading \(ETag "\w+" → "\w+-v2"/,
    );
  });

  it('HTML for a missing file (an SPA fallback) is a missing file', async () => {
    hub.faults.htmlForMissing = true;
    const src = new UrlSource(hub.resolveBase(REPO));
    expect(await src.readTextOptional('generation_config.json')).toBeNull();
    await expect(src.readText('tokenizer.json')).rejects.toThrow(MissingFileError);
  });

  it('a gated repo: 401 without a token, 403 with a wrong one, and the token never reaches the CDN', async () => {
    await expect(new UrlSource(hub.resolveBase(GATED)).readText('config.json')).rejects.toThrow(
      /HTTP 401.*gated or private/,
    );
    await expect(
      new UrlSource(hub.resolveBase(GATED), { headers: { Authorization: 'Bearer nope' } }).readText('config.json'),
    ).rejects.toThrow(HttpError);
    expect(hub.log.map((r) => r.status)).toEqual([401, 403]);
    hub.log.length = 0;
    const src = new UrlSource(hub.resolveBase(GATED), { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(await src.readRange(SHARD, 0, 100)).toEqual(shard().subarray(0, 100));
    expect(hub.log.map((r) => [r.origin, r.status, r.authorized])).toEqual([
      ['hub', 302, true],
      ['cdn', 206, false],
    ]);
  });
});

describe('no network', () => {
  it('a host that never answers is "the network is unreachable", with what to do instead', async () => {
    const closed = await startHubServer({});
    const base = closed.resolveBase(REPO);
    await closed.close();
    const src = new UrlSource(base, { sleep: noSleep, retries: 2 });
    await expect(src.readText('config.json')).rejects.toThrow(
      /The network is unreachable: 127\.0\.0\.1:\d+ did not answer 3 attempts .*Local folder… or a model already cached/,
    );
  });
});

describe('a host that ignores Range (200 with the whole body)', { timeout: 30_000 }, () => {
  it('streams a sharded checkpoint byte-exactly through the forward reader and says resume is unavailable', async () => {
    hub.faults.ignoreRange = true;
    const src = new UrlSource(hub.resolveBase(REPO), { sleep: noSleep });
    const got = await streamAll(src);
    for (const [name, t] of built.data) expect(got.get(name), name).toEqual(t.bytes);
    expect(src.rangeSupported, 'a server that ignores Range').toBe(false);
    const shards = Object.keys(built.files).filter((f) => f.endsWith('.safetensors'));
    for (const f of shards) {
      const size = (built.files[f] as Uint8Array).byteLength;
      // Header reads and tensors in file order: one body per shard, never the file twice.
      expect(hub.bytesSent(f), `${f} bytes sent`).toBeLessThanOrEqual(size);
      expect(
        hub.log.filter((r) => r.origin === 'cdn' && r.file === f && r.status === 200).length,
        `${f} whole-body responses`,
      ).toBe(1);
    }
  });

  it('a read behind the position re-opens the body; a dropped body resumes by re-reading from byte 0', async () => {
    hub.faults.ignoreRange = true;
    const src = new UrlSource(hub.resolveBase(REPO), { sleep: noSleep });
    expect(await src.readRange(SHARD, 5000, 6000)).toEqual(shard().subarray(5000, 6000));
    expect(await src.readRange(SHARD, 100, 200)).toEqual(shard().subarray(100, 200));
    expect(src.wholeBodyReopens).toBe(1);
    hub.faults.drop = { file: SHARD, afterBytes: 70_000 };
    expect(await src.readRange(SHARD, 60_000, 90_000)).toEqual(shard().subarray(60_000, 90_000));
  });

  it('the bundled tiny model (20 MB) loads from such a host while the reader keeps only small pieces', async () => {
    hub.faults.ignoreRange = true;
    const src = new UrlSource(hub.resolveBase('test-org/bundled-tiny'), { sleep: noSleep });
    const ckpt = await openCheckpoint(src);
    let largest = 0;
    let total = 0;
    for (const name of ckpt.tensors.keys()) {
      for await (const c of ckpt.stream(name, { maxChunkBytes: 1 << 20 })) {
        largest = Math.max(largest, c.bytes.byteLength);
        total += c.bytes.byteLength;
      }
    }
    expect(total).toBe([...ckpt.tensors.values()].reduce((a, t) => a + t.byteLength, 0));
    expect(largest, 'no chunk larger than asked').toBeLessThanOrEqual(1 << 20);
    expect(hub.bytesSent('model.safetensors'), 'bytes sent vs the file').toBeLessThanOrEqual(
      tinyModel.byteLength * (1 + src.wholeBodyReopens),
    );
  });
});
