// A loopback HTTP server (Node, tests only) that serves full-width Qwen2.5-VL checkpoints without ever holding
// them: under /<name>/, config.json plus one model.safetensors whose header lists every tensor the config
// requires (BF16) and whose data bytes are generated for whatever Range is asked. Multi-GB checkpoints thus cost neither disk nor
// memory. The data is one 1 MiB block of hash-PRNG bf16 values (hash-weights.ts, std 0.02) repeated through
// the file: realistic magnitudes for the q4 quantizer at memcpy speed, which is all a load-path test needs.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseModelSpec } from '../engine/spec/parse-config';
import { checkpointTensors } from '../engine/spec/tensors';
import { hashBf16Range } from './hash-weights';

const BLOCK_ELEMENTS = 512 * 1024;
const WRITE_BYTES = 4 * 1024 * 1024;

export interface SyntheticCheckpointServer {
  /** Per checkpoint name: base URL ending in '/' (config.json, model.safetensors) and the file's size. */
  checkpoints: Record<string, { url: string; fileBytes: number }>;
  close: () => Promise<void>;
}

interface Served {
  header: Uint8Array;
  fileBytes: number;
  configText: string;
}

/** The safetensors header (8-byte length + JSON) of a BF16 checkpoint with every tensor `config` requires. */
function headerFor(config: Record<string, unknown>): { header: Uint8Array; dataBytes: number } {
  const tensors = checkpointTensors(parseModelSpec({ config }));
  // The same layout as safetensors-write.ts (JSON padded with spaces to 8 bytes), without materialising the data.
  const json: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const bytes = 2 * t.shape.reduce((a, b) => a * b, 1);
    json[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const text = JSON.stringify(json);
  const padded = text + ' '.repeat((8 - (new TextEncoder().encode(text).byteLength % 8)) % 8);
  const body = new TextEncoder().encode(padded);
  const header = new Uint8Array(8 + body.byteLength);
  new DataView(header.buffer).setBigUint64(0, BigInt(body.byteLength), true);
  header.set(body, 8);
  return { header, dataBytes: offset };
}

export async function startSyntheticCheckpointServer(
  configs: Record<string, Record<string, unknown>>,
  seed = 7,
): Promise<SyntheticCheckpointServer> {
  const served = new Map<string, Served>();
  for (const [name, config] of Object.entries(configs)) {
    const { header, dataBytes } = headerFor(config);
    served.set(name, { header, fileBytes: header.byteLength + dataBytes, configText: JSON.stringify(config) });
  }
  const bits = hashBf16Range(
    { seed, name: 'synthetic-checkpoint-block', shape: [BLOCK_ELEMENTS], std: 0.02 },
    0,
    BLOCK_ELEMENTS,
  );
  const block = new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  // A reused scratch buffer of block copies, so each write is one memcpy-sized slice.
  const tile = new Uint8Array(WRITE_BYTES + block.byteLength);
  for (let o = 0; o < tile.byteLength; o += block.byteLength)
    tile.set(block.subarray(0, Math.min(block.byteLength, tile.byteLength - o)), o);

  /** Writes file bytes [start, end) with backpressure. */
  async function writeRange(res: ServerResponse, header: Uint8Array, start: number, end: number): Promise<void> {
    let at = start;
    if (at < header.byteLength) {
      const stop = Math.min(end, header.byteLength);
      res.write(header.subarray(at, stop));
      at = stop;
    }
    while (at < end) {
      const dataAt = at - header.byteLength;
      const phase = dataAt % block.byteLength;
      const n = Math.min(end - at, WRITE_BYTES);
      // A copy: the socket may still hold the previous slice when we write the next.
      const ok = res.write(tile.slice(phase, phase + n));
      at += n;
      if (!ok) await new Promise<void>((resolve) => res.once('drain', resolve));
      if (res.destroyed) return;
    }
  }

  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Range, Authorization',
    'Access-Control-Expose-Headers': 'Content-Range, Content-Length, ETag, Accept-Ranges',
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, name = '', file = ''] = /^\/([^/]+)\/([^/]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname) ?? [];
    const ckpt = served.get(name);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD' }).end();
      return;
    }
    if (ckpt && file === 'config.json') {
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(ckpt.configText);
      return;
    }
    if (!ckpt || file !== 'model.safetensors') {
      res.writeHead(404, { ...cors, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const common = {
      ...cors,
      'Accept-Ranges': 'bytes',
      ETag: '"synthetic-1"',
      'Content-Type': 'application/octet-stream',
    };
    const { header, fileBytes } = ckpt;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!m) {
      // Whole-file GETs of a multi-GB synthetic file are never what a test wants.
      res.writeHead(416, { ...common, 'Content-Range': `bytes */${fileBytes}` }).end();
      return;
    }
    const start = Number(m[1]);
    const end = Math.min(fileBytes, m[2] ? Number(m[2]) + 1 : fileBytes);
    if (start >= end) {
      res.writeHead(416, { ...common, 'Content-Range': `bytes */${fileBytes}` }).end();
      return;
    }
    res.writeHead(206, {
      ...common,
      'Content-Length': String(end - start),
      'Content-Range': `bytes ${start}-${end - 1}/${fileBytes}`,
    });
    if (req.method !== 'HEAD') await writeRange(res, header, start, end);
    res.end();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => res.destroy(e as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const checkpoints = Object.fromEntries(
    [...served].map(([name, c]) => [name, { url: `http://127.0.0.1:${port}/${name}/`, fileBytes: c.fileBytes }]),
  );
  return {
    checkpoints,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
