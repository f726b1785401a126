// A Hugging Face Hub look-alike for tests (Node, loopback only). Two origins, as on the real Hub:
//   hub  http://127.0.0.1:<p1>/<owner>/<name>/resolve/<revision>/<file>   small files answered directly,
//        large files (.safetensors) answered with 302 to the second origin (carrying X-Linked-Etag/-Size)
//        http://127.0.0.1:<p1>/api/models/<owner>/<name>[/revision/<rev>]  repo info with siblings and sha
//   cdn  http://127.0.0.1:<p2>/<owner>/<name>/<sha>/<file>                  the bytes, with Range and ETag
// Both send CORS headers (and answer preflights) so a page on a third origin can read them. Faults are switched
// on per test (`faults`), and every request is logged with the body bytes actually sent, so a test can assert
// what a second attempt fetched.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { REPO } from './paths';
import { CACHED_FILES } from '../../src/engine/weights/model-files';

/** The bundled tiny checkpoint's files (what a Hub repo of it holds), by name. */
export function tinyCheckpointFiles(): Record<string, Uint8Array> {
  const dir = join(REPO, 'public/models/video-r2-tiny');
  const names = [...CACHED_FILES, 'model.safetensors'];
  return Object.fromEntries(names.map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
}

export interface HubRepo {
  files: Record<string, Uint8Array | string>;
  /** Branch → commit sha (default { main: <hash of the repo id> }). */
  branches?: Record<string, string>;
  /** Gated/private: resolve and API answer 401 without `Authorization: Bearer <token>`, 403 with another token. */
  token?: string;
}

export interface HubFaults {
  /** Cut the connection after this many body bytes of a file's response, `times` times (default 1). */
  drop?: { file: string; afterBytes: number; times?: number } | null;
  /** Answer 429 with Retry-After to a file, `times` times. */
  tooMany?: { file?: string; times: number; retryAfterS: number } | null;
  /** Send bodies at most this fast (bytes per second, in 64 KiB slices). */
  bytesPerSecond?: number | null;
  /** Send this many body bytes of a file, then hold the connection open without sending more (a stalled link). */
  stall?: { file: string; afterBytes: number; times?: number } | null;
  /** After this many body bytes of a file have been sent in total, its ETag changes (a new upload). */
  changeEtag?: { file: string; afterBytes: number } | null;
  /** Answer Range requests with 200 and the whole body (a plain static server). */
  ignoreRange?: boolean;
  /** A missing file is answered 200 text/html (an SPA fallback) instead of 404. */
  htmlForMissing?: boolean;
}

export interface HubRequest {
  origin: 'hub' | 'cdn';
  method: string;
  path: string;
  /** Repository file the request was for (null for the API). */
  file: string | null;
  range: string | null;
  status: number;
  /** Body bytes written before the response ended (or the socket was cut). */
  bytes: number;
  authorized: boolean;
}

export interface HubServer {
  /** The endpoint (like HF_ENDPOINT), no trailing slash. */
  url: string;
  cdnUrl: string;
  log: HubRequest[];
  faults: HubFaults;
  /** `${url}/${repo}/resolve/${revision}/` */
  resolveBase(repo: string, revision?: string): string;
  /** Body bytes sent for requests matching `file` (all files when omitted). */
  bytesSent(file?: string): number;
  /** A new upload of the same bytes: the file's ETag changes from now on (between two loads). */
  touch(repo: string, file: string): void;
  close(): Promise<void>;
}

const EXPOSE =
  'Content-Range, Content-Length, ETag, Accept-Ranges, Retry-After, X-Linked-Etag, X-Linked-Size, X-Repo-Commit, X-Error-Code';

function cors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSE);
  res.setHeader('Vary', 'Origin');
}

const bytesOf = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const isLarge = (file: string): boolean => file.endsWith('.safetensors');

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

/** "bytes=a-b" / "bytes=a-" → [start, endInclusive] clipped to size, or null when unsatisfiable/malformed. */
function parseRange(h: string, size: number): [number, number] | 'bad' {
  const m = /^bytes=(\d+)-(\d*)$/.exec(h.trim());
  if (!m) return 'bad';
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'bad' : [start, end];
}

export async function startHubServer(repos: Record<string, HubRepo>): Promise<HubServer> {
  const log: HubRequest[] = [];
  const faults: HubFaults = {};
  const counters = { drop: 0, tooMany: 0, stall: 0 };
  const sentPerFile = new Map<string, number>();
  const etagSuffix = new Map<string, number>();
  const open = new Set<Socket>();
  const shaOf = (repo: string, rev: string): string | null => {
    const r = repos[repo];
    if (!r) return null;
    const branches = r.branches ?? { main: sha256(repo).slice(0, 40) };
    if (branches[rev]) return branches[rev]!;
    return Object.values(branches).includes(rev) ? rev : null;
  };
  const etagOf = (repo: string, file: string): string => {
    const key = `${repo}/${file}`;
    return `"${sha256(repos[repo]!.files[file]!).slice(0, 32)}${etagSuffix.has(key) ? `-v${etagSuffix.get(key)}` : ''}"`;
  };

  function access(repo: HubRepo, req: IncomingMessage): number | null {
    if (!repo.token) return null;
    const auth = req.headers.authorization;
    if (!auth) return 401;
    return auth === `Bearer ${repo.token}` ? null : 403;
  }

  function entry(origin: HubRequest['origin'], req: IncomingMessage, file: string | null): HubRequest {
    const e: HubRequest = {
      origin,
      method: req.method ?? 'GET',
      path: req.url ?? '',
      file,
      range: req.headers.range ?? null,
      status: 0,
      bytes: 0,
      authorized: !!req.headers.authorization,
    };
    log.push(e);
    return e;
  }

  function finish(
    res: ServerResponse,
    e: HubRequest,
    status: number,
    headers: Record<string, string>,
    body = '',
  ): void {
    e.status = status;
    res.writeHead(status, headers);
    e.bytes += Buffer.byteLength(body);
    res.end(body);
  }

  /** Sends body[from..] in slices, applying drop / stall / throttle / ETag-change faults. */
  async function sendBody(res: ServerResponse, e: HubRequest, key: string, body: Uint8Array): Promise<void> {
    const file = e.file ?? '';
    const drop =
      faults.drop && faults.drop.file === file && counters.drop < (faults.drop.times ?? 1) ? faults.drop : null;
    const stall =
      faults.stall && faults.stall.file === file && counters.stall < (faults.stall.times ?? 1) ? faults.stall : null;
    const slice = 64 * 1024;
    for (let at = 0; at < body.byteLength;) {
      let n = Math.min(slice, body.byteLength - at);
      const limit = drop?.afterBytes ?? stall?.afterBytes;
      if (limit !== undefined) n = Math.min(n, Math.max(0, limit - at));
      if (n === 0) {
        // A fault counts against its `times` only when it actually fires (not on responses shorter than afterBytes).
        if (drop) counters.drop++;
        else if (stall) counters.stall++;
        // A drop cuts the socket once what was written has been flushed (so the client did receive it).
        if (drop)
          await new Promise<void>((r) => res.write('', () => r()))
            .then(() => new Promise((r) => setTimeout(r, 20)))
            .then(() => res.socket?.destroy());
        return; // a stall: the socket stays open until the client gives up (or the server closes)
      }
      const ok = res.write(body.subarray(at, at + n));
      e.bytes += n;
      at += n;
      const total = (sentPerFile.get(key) ?? 0) + n;
      sentPerFile.set(key, total);
      const ce = faults.changeEtag;
      if (ce && `${key}`.endsWith(`/${ce.file}`) && total >= ce.afterBytes && !etagSuffix.has(key))
        etagSuffix.set(key, 2);
      if (!ok) await new Promise<void>((r) => res.once('drain', () => r()));
      if (faults.bytesPerSecond) await new Promise((r) => setTimeout(r, (n / faults.bytesPerSecond!) * 1000));
      if (res.destroyed) return;
    }
    res.end();
  }

  /** A file's bytes with Range, ETag/If-None-Match/If-Range and the fault switches. */
  async function serveFile(
    req: IncomingMessage,
    res: ServerResponse,
    e: HubRequest,
    repo: string,
    file: string,
    extra: Record<string, string>,
  ): Promise<void> {
    const tm = faults.tooMany;
    if (tm && (!tm.file || tm.file === file) && counters.tooMany < tm.times) {
      counters.tooMany++;
      return finish(
        res,
        e,
        429,
        { 'Retry-After': String(tm.retryAfterS), 'Content-Type': 'text/plain' },
        'Too Many Requests',
      );
    }
    const body = bytesOf(repos[repo]!.files[file]!);
    const etag = etagOf(repo, file);
    const headers: Record<string, string> = {
      ...extra,
      ETag: etag,
      'Accept-Ranges': faults.ignoreRange ? 'none' : 'bytes',
      'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    };
    if (req.headers['if-none-match'] === etag) return finish(res, e, 304, headers);
    let status = 200;
    let part = body;
    const ifRange = req.headers['if-range'];
    if (req.headers.range && !faults.ignoreRange && (!ifRange || ifRange === etag)) {
      const r = parseRange(req.headers.range, body.byteLength);
      if (r === 'bad') return finish(res, e, 416, { ...headers, 'Content-Range': `bytes */${body.byteLength}` });
      status = 206;
      part = body.subarray(r[0], r[1] + 1);
      headers['Content-Range'] = `bytes ${r[0]}-${r[1]}/${body.byteLength}`;
    }
    headers['Content-Length'] = String(part.byteLength);
    e.status = status;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') return void res.end();
    await sendBody(res, e, `${repo}/${file}`, part);
  }

  function missing(res: ServerResponse, e: HubRequest, what: string): void {
    if (faults.htmlForMissing)
      return finish(res, e, 200, { 'Content-Type': 'text/html; charset=utf-8' }, '<!doctype html><title>app</title>');
    finish(
      res,
      e,
      404,
      { 'Content-Type': 'application/json', 'X-Error-Code': 'EntryNotFound' },
      JSON.stringify({ error: `${what} not found` }),
    );
  }

  const preflight = (req: IncomingMessage, res: ServerResponse): boolean => {
    cors(req, res);
    if (req.method !== 'OPTIONS') return false;
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Allow-Headers': 'Range, Authorization, If-None-Match, If-Range',
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return true;
  };

  let cdnUrl = '';
  const hub = createServer((req, res) => {
    if (preflight(req, res)) return;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const api = /^\/api\/models\/([^/]+\/[^/]+?)(?:\/revision\/([^/]+))?$/.exec(path);
    if (api) {
      const [, repo, rev = 'main'] = api;
      const e = entry('hub', req, null);
      const r = repos[repo!];
      if (!r)
        return finish(
          res,
          e,
          404,
          { 'Content-Type': 'application/json', 'X-Error-Code': 'RepoNotFound' },
          JSON.stringify({ error: 'Repository not found' }),
        );
      const denied = access(r, req);
      if (denied)
        return finish(
          res,
          e,
          denied,
          { 'Content-Type': 'application/json', 'X-Error-Code': 'GatedRepo' },
          JSON.stringify({ error: 'Access to this repository is restricted' }),
        );
      const sha = shaOf(repo!, rev);
      if (!sha)
        return finish(
          res,
          e,
          404,
          { 'Content-Type': 'application/json', 'X-Error-Code': 'RevisionNotFound' },
          JSON.stringify({ error: `Invalid rev id: ${rev}` }),
        );
      const siblings = Object.entries(r.files).map(([rfilename, v]) => ({ rfilename, size: bytesOf(v).byteLength }));
      return finish(
        res,
        e,
        200,
        { 'Content-Type': 'application/json' },
        JSON.stringify({ id: repo, sha, gated: r.token ? 'manual' : false, siblings }),
      );
    }
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const file = m?.[3] ?? null;
    const e = entry('hub', req, file);
    const r = m ? repos[m[1]!] : undefined;
    if (!m || !r) return missing(res, e, 'Repository');
    const denied = access(r, req);
    if (denied)
      return finish(
        res,
        e,
        denied,
        { 'Content-Type': 'application/json', 'X-Error-Code': 'GatedRepo' },
        JSON.stringify({
          error: 'Access to this model is restricted. You must have access to it and be authenticated.',
        }),
      );
    const sha = shaOf(m[1]!, m[2]!);
    if (!sha) return missing(res, e, 'Revision');
    if (!(file! in r.files)) return missing(res, e, 'Entry');
    const commit = { 'X-Repo-Commit': sha };
    if (isLarge(file!)) {
      const location = `${cdnUrl}/${m[1]}/${sha}/${file!.split('/').map(encodeURIComponent).join('/')}`;
      return finish(res, e, 302, {
        ...commit,
        Location: location,
        'X-Linked-Etag': etagOf(m[1]!, file!),
        'X-Linked-Size': String(bytesOf(r.files[file!]!).byteLength),
      });
    }
    void serveFile(req, res, e, m[1]!, file!, commit);
  });
  const cdn = createServer((req, res) => {
    if (preflight(req, res)) return;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const m = /^\/([^/]+\/[^/]+)\/([0-9a-f]{40})\/(.+)$/.exec(path);
    const e = entry('cdn', req, m?.[3] ?? null);
    if (!m || !repos[m[1]!] || !(m[3]! in repos[m[1]!]!.files)) return missing(res, e, 'Object');
    void serveFile(req, res, e, m[1]!, m[3]!, {});
  });
  for (const s of [hub, cdn]) s.on('connection', (sock) => (open.add(sock), sock.on('close', () => open.delete(sock))));
  const url = await listen(hub);
  cdnUrl = await listen(cdn);
  return {
    url,
    cdnUrl,
    log,
    faults,
    resolveBase: (repo, revision = 'main') => `${url}/${repo}/resolve/${encodeURIComponent(revision)}/`,
    touch: (repo, file) => {
      const key = `${repo}/${file}`;
      etagSuffix.set(key, (etagSuffix.get(key) ?? 1) + 1);
    },
    bytesSent: (file) => log.filter((r) => file === undefined || r.file === file).reduce((a, r) => a + r.bytes, 0),
    close: async () => {
      for (const s of open) s.destroy();
      await Promise.all([hub, cdn].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
