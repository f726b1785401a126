import { describe, expect, it } from 'vitest';
import { tinyConfig } from '../../test-utils/test-configs';
import { openCheckpoint } from './checkpoint';
import { HttpError, MissingFileError } from './errors';
import { buildCheckpoint, seededBytes } from '../../test-utils/test-checkpoint';
import { UrlSource, huggingFaceBase, parseContentRange } from './url-source';

interface Behaviour {
  /** Answer Range requests with 200 and the whole body. */
  ignoreRange?: boolean;
  /** Per request number (0-based): cut the body after this many bytes with a network error. */
  cutAfter?: Map<number, number>;
  /** Per request number: answer with this status instead. */
  status?: Map<number, number>;
  /** Hide Content-Range (a CORS server that does not expose it). */
  hideContentRange?: boolean;
  etag?: (request: number) => string;
}

interface Recorded {
  url: string;
  range: string | null;
}

/** A fake HTTP server over in-memory files, recording every request. */
function fakeServer(files: Record<string, Uint8Array | string>, b: Behaviour = {}) {
  const requests: Recorded[] = [];
  let cancelled = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const range = new Headers(init?.headers).get('Range');
    const n = requests.push({ url, range }) - 1;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    const path = decodeURIComponent(url.replace('https://hf.test/repo/resolve/main/', ''));
    const forced = b.status?.get(n);
    if (forced) return new Response('err', { status: forced });
    const raw = files[path];
    if (raw === undefined) return new Response('not found', { status: 404 });
    const body = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
    const headers = new Headers({ ETag: b.etag?.(n) ?? '"v1"' });
    let slice = body;
    let status = 200;
    if (range && !b.ignoreRange) {
      const m = /^bytes=(\d+)-(\d+)$/.exec(range)!;
      const start = Number(m[1]);
      const end = Math.min(Number(m[2]), body.byteLength - 1);
      if (start >= body.byteLength) return new Response('', { status: 416 });
      slice = body.subarray(start, end + 1);
      status = 206;
      if (!b.hideContentRange) headers.set('Content-Range', `bytes ${start}-${end}/${body.byteLength}`);
    }
    const cut = b.cutAfter?.get(n);
    // Deliver in two pieces (so a reader sees progress before a cut), then close or fail.
    const end = cut ?? slice.byteLength;
    const mid = Math.min(end, Math.ceil(slice.byteLength / 2));
    const pieces = [slice.slice(0, mid), slice.slice(mid, end)].filter((p) => p.byteLength > 0);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const p = pieces.shift();
        if (p) controller.enqueue(p);
        else if (cut !== undefined) controller.error(new TypeError('network error'));
        else controller.close();
      },
      cancel() {
        cancelled++;
      },
    });
    return new Response(stream, { status, headers });
  };
  return { fetchFn: fetchFn as typeof fetch, requests, stats: () => ({ cancelled, maxInFlight }) };
}

const BASE = 'https://hf.test/repo/resolve/main/';
const noSleep = async (): Promise<void> => undefined;
const file = seededBytes(10_000, 7);

describe('UrlSource', () => {
  it('reads exact byte ranges with Range requests', async () => {
    const s = fakeServer({ 'a.bin': file });
    const src = new UrlSource(BASE.slice(0, -1), { fetch: s.fetchFn });
    expect(await src.readRange('a.bin', 100, 350)).toEqual(file.subarray(100, 350));
    expect(s.requests).toEqual([{ url: `${BASE}a.bin`, range: 'bytes=100-349' }]);
    expect(await src.knownSize('a.bin')).toBe(10_000);
    expect(src.validator('a.bin')).toEqual({ etag: '"v1"', size: 10_000 });
  });

  it('resumes a dropped connection from the last byte received', async () => {
    const s = fakeServer({ 'a.bin': file }, { cutAfter: new Map([[0, 3000]]) });
    const src = new UrlSource(BASE, { fetch: s.fetchFn, sleep: noSleep });
    let progress = 0;
    expect(await src.readRange('a.bin', 1000, 9000, { onBytes: (n) => (progress += n) })).toEqual(
      file.subarray(1000, 9000),
    );
    expect(s.requests.map((r) => r.range)).toEqual(['bytes=1000-8999', 'bytes=4000-8999']);
    expect(progress).toBe(8000);
  });

  it('retries 5xx/429 with backoff and gives up with a clear error', async () => {
    const s = fakeServer(
      { 'a.bin': file },
      {
        status: new Map([
          [0, 503],
          [1, 429],
        ]),
      },
    );
    const delays: number[] = [];
    const src = new UrlSource(BASE, { fetch: s.fetchFn, retryDelayMs: 100, sleep: async (ms) => void delays.push(ms) });
    expect(await src.readRange('a.bin', 0, 10)).toEqual(file.subarray(0, 10));
    expect(delays).toEqual([100, 200]);
    const always = fakeServer({ 'a.bin': file }, { status: new Map([0, 1, 2, 3].map((i) => [i, 502])) });
    const src2 = new UrlSource(BASE, { fetch: always.fetchFn, retries: 2, sleep: noSleep });
    await expect(src2.readRange('a.bin', 0, 10)).rejects.toThrow(
      /giving up after 3 failed attempts \(last: HTTP 502\)/,
    );
  });

  it('reads ranges from a server that ignores Range through one forward body (no error, bytes exact)', async () => {
    const s = fakeServer({ 'a.bin': file }, { ignoreRange: true });
    const src = new UrlSource(BASE, { fetch: s.fetchFn });
    expect(await src.readRange('a.bin', 10, 20)).toEqual(file.subarray(10, 20));
    expect(await src.readRange('a.bin', 5000, 9000)).toEqual(file.subarray(5000, 9000));
    expect(src.rangeSupported, 'a server that ignores Range').toBe(false);
    expect(s.requests, 'the second range came from the same body').toHaveLength(1);
    expect(await src.knownSize('a.bin')).toBe(null); // the fake server sends no Content-Length
  });

  it('names missing files and does not retry client errors', async () => {
    const s = fakeServer({ 'config.json': '{}' }, { status: new Map([[1, 401]]) });
    const src = new UrlSource(BASE, { fetch: s.fetchFn });
    expect(await src.readTextOptional('generation_config.json')).toBeNull();
    await expect(src.readText('config.json')).rejects.toThrow(HttpError);
    await expect(src.readText('tokenizer.json')).rejects.toThrow(new MissingFileError('tokenizer.json', BASE));
    await expect(src.readRange('model-00001-of-00004.safetensors', 0, 8)).rejects.toThrow(
      /model-00001-of-00004\.safetensors is missing from https:\/\/hf\.test/,
    );
  });

  it('treats an SPA fallback (200 text/html for a missing path) as a missing file', async () => {
    const html = async (): Promise<Response> =>
      new Response('<!doctype html><html></html>', {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      });
    const src = new UrlSource(BASE, { fetch: html as typeof fetch });
    expect(await src.readTextOptional('generation_config.json')).toBeNull();
    await expect(src.readRange('model.safetensors', 0, 8)).rejects.toThrow(/model\.safetensors is missing from/);
  });

  it('detects a file replaced on the server mid-load', async () => {
    const s = fakeServer({ 'a.bin': file }, { etag: (n) => (n === 0 ? '"v1"' : '"v2"') });
    const src = new UrlSource(BASE, { fetch: s.fetchFn });
    await src.readRange('a.bin', 0, 10);
    await expect(src.readRange('a.bin', 10, 20)).rejects.toThrow(
      /changed on the server while loading \(ETag "v1" → "v2"/,
    );
  });

  it('limits parallel requests', async () => {
    const s = fakeServer({ 'a.bin': file });
    const src = new UrlSource(BASE, { fetch: s.fetchFn, concurrency: 2 });
    await Promise.all([...Array(8).keys()].map((i) => src.readRange('a.bin', i * 100, i * 100 + 100)));
    expect(s.stats().maxInFlight).toBe(2);
  });

  it('honours an abort signal', async () => {
    const s = fakeServer({ 'a.bin': file });
    const src = new UrlSource(BASE, { fetch: s.fetchFn });
    const ac = new AbortController();
    ac.abort();
    await expect(src.readRange('a.bin', 0, 10, { signal: ac.signal })).rejects.toThrow(/abort/i);
  });

  it('opens a sharded checkpoint over HTTP without Content-Range exposed, reading only headers', async () => {
    const built = buildCheckpoint(tinyConfig(), { shards: 2, layout: 'nested' });
    const s = fakeServer(built.files, { hideContentRange: true });
    const ckpt = await openCheckpoint(new UrlSource(BASE, { fetch: s.fetchFn }));
    expect(ckpt.tensors.size).toBe(built.data.size);
    const ranged = s.requests.filter((r) => r.range);
    // Two reads per shard: the 8-byte length and the JSON header.
    expect(ranged.map((r) => r.range?.startsWith('bytes=0-7') || r.range?.startsWith('bytes=8-'))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    const name = 'model.layers.1.mlp.up_proj.weight';
    const chunks = [];
    for await (const c of ckpt.stream(name, { maxChunkBytes: 4096 })) chunks.push(c.bytes);
    expect(new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer())).toEqual(
      built.data.get(name)!.bytes,
    );
  });

  it('builds Hugging Face resolve URLs', () => {
    expect(huggingFaceBase('MBZUAI/Video-R2')).toBe('https://huggingface.co/MBZUAI/Video-R2/resolve/main/');
    expect(
      new UrlSource(huggingFaceBase('Qwen/Qwen2.5-VL-7B-Instruct', 'cc594898')).url('model-00001-of-00005.safetensors'),
    ).toBe('https://huggingface.co/Qwen/Qwen2.5-VL-7B-Instruct/resolve/cc594898/model-00001-of-00005.safetensors');
    expect(() => huggingFaceBase('not a repo')).toThrow(/not a Hugging Face model id/);
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 0-99/1234')).toEqual({ start: 0, end: 99, total: 1234 });
    expect(parseContentRange('bytes 5-9/*')).toEqual({ start: 5, end: 9, total: null });
    expect(parseContentRange(null)).toBeNull();
  });
});
