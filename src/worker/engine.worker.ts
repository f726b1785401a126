// Engine worker entry: the message loop. Requests run one at a time in arrival order (the GPU queue is
// serial anyway), except `cancel`, handled at once so a running generation stops between steps, and `plan`,
// which touches no GPU state and must not wait behind a generation.
import { Engine } from '../engine/engine';
import { EngineFailure } from '../engine/engine-failure';
import { deleteCacheEntry, storageSummary } from '../engine/weights/cache/cache-admin';
import { exportCacheEntry } from '../engine/weights/export/quantized-folder';
import { transferablesOf, type EngineEvent, type EngineRequest } from '../protocol/engine';

const scope = self as unknown as {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent<EngineRequest>) => void): void;
};

const post = (ev: EngineEvent) => scope.postMessage(ev, transferablesOf(ev));
const cancelled = new Set<number>();
/** Running loads by request id: a cancel aborts their downloads at once. */
const loads = new Map<number, AbortController>();
let engine: Engine | null = null;
let queue: Promise<void> = Promise.resolve();

function requireEngine(): Engine {
  if (!engine) throw new EngineFailure('no-webgpu', 'The engine has not been initialised.');
  return engine;
}

async function handle(req: EngineRequest): Promise<void> {
  const rid = req.rid;
  switch (req.type) {
    case 'init': {
      engine ??= await Engine.create(navigator.gpu, (message) => post({ type: 'device-lost', rid: 0, message }));
      post({ type: 'ready', rid, gpu: engine.gpuSummary() });
      return;
    }
    case 'load': {
      const abort = new AbortController();
      loads.set(rid, abort);
      try {
        const result = await requireEngine().load(
          req.source,
          req.options,
          (phase, done, total, detail, transfer) =>
            post({ type: 'progress', rid, phase, done, total, detail, ...(transfer ? { transfer } : {}) }),
          abort.signal,
        );
        post({ type: 'loaded', rid, model: result.model, fromCache: result.fromCache });
      } finally {
        loads.delete(rid);
      }
      return;
    }
    case 'plan':
      post({
        type: 'plan',
        rid,
        plan: await requireEngine().plan(req.source, req.options, req.video, req.maxNewTokens, req.fallback),
      });
      return;
    case 'video-begin':
      await requireEngine().beginVideo(req.videoId, req.frames, req.height, req.width, req.secondPerGridTs);
      post({ type: 'ok', rid });
      return;
    case 'video-frame': {
      const { videoId, index } = req;
      const frame = await requireEngine().pushFrame(videoId, index, req.width, req.height, new Uint8Array(req.rgba));
      post({ type: 'frame-preview', rid, videoId, index, width: frame.width, height: frame.height, rgba: frame.rgba });
      return;
    }
    case 'video-end': {
      const v = await requireEngine().endVideo(req.videoId);
      post({ type: 'video-ready', rid, videoId: req.videoId, grid: v.grid, videoTokens: v.videoTokens });
      return;
    }
    case 'generate': {
      const stats = await requireEngine().generate(
        req.videoId,
        req.prompt,
        req.params,
        req.attention,
        {
          isCancelled: () => cancelled.has(rid),
          onProgress: (phase, done, total, detail) => post({ type: 'progress', rid, phase, done, total, detail }),
          onPrompt: (p) => post({ type: 'prompt', rid, ...p }),
          onToken: (t) => post({ type: 'token', rid, ...t }),
        },
        req.tapLayer,
      );
      cancelled.delete(rid);
      post({ type: 'done', rid, reason: stats.reason, stats: stats.stats });
      return;
    }
    case 'unload':
      requireEngine().unload();
      post({ type: 'ok', rid });
      return;
    case 'cancel':
      return; // handled on arrival
    case 'cache-info':
      post({ type: 'cache-info', rid, info: await storageSummary() });
      return;
    case 'cache-delete':
      await deleteCacheEntry(req.key);
      post({ type: 'ok', rid });
      return;
    case 'cache-export': {
      const r = await exportCacheEntry(req.key, req.target, {
        onProgress: (done, total) => post({ type: 'progress', rid, phase: 'cache', done, total, detail: 'exporting' }),
      });
      post({ type: 'cache-exported', rid, ...r });
      return;
    }
  }
}

/** Requests that touch no GPU state: answered at once, never queued behind a load or a generation. */
const IMMEDIATE = new Set<EngineRequest['type']>(['plan', 'cache-info', 'cache-delete', 'cache-export']);

scope.addEventListener('message', (e) => {
  const req = e.data;
  if (req.type === 'cancel') {
    cancelled.add(req.target);
    loads.get(req.target)?.abort(new EngineFailure('cancelled', 'Loading was cancelled.'));
    return;
  }
  // Memory plans only read config files, the cache manager only OPFS: answer at once, not after a generation.
  if (IMMEDIATE.has(req.type) && (engine || req.type !== 'plan')) {
    void handle(req).catch((err: unknown) => {
      const f = EngineFailure.from(err);
      post({ type: 'error', rid: req.rid, code: f.code, message: f.message });
    });
    return;
  }
  queue = queue.then(() =>
    handle(req).catch((err: unknown) => {
      const f = EngineFailure.from(err);
      post({ type: 'error', rid: req.rid, code: f.code, message: f.message });
    }),
  );
});
