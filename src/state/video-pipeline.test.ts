// VideoPipeline with fake media and engine clients: frames flow media → engine → strip, the newest request wins,
// and a file that fails leaves the previous video in place. Two pipelines share nothing.
import { describe, expect, it } from 'vitest';
import { MediaError } from '../media';
import type { VideoMetadata } from '../media';
import { DEFAULT_VIDEO_SETTINGS, emptyVideo, type VideoSlice } from './video-slice';
import { VideoPipeline, type MediaPort, type VideoEnginePort } from './video-pipeline';

type VideoState = VideoSlice['video'];

const meta = (name: string): VideoMetadata =>
  ({
    fileName: name,
    fileSize: 10,
    container: 'mp4',
    containerLabel: 'MP4',
    codec: 'avc1.64001e',
    codecName: 'H.264',
    codedWidth: 56,
    codedHeight: 56,
    rotation: 0,
    width: 56,
    height: 56,
    durationSeconds: 4,
    frameCount: 8,
    averageFps: 2,
    variableFrameRate: false,
    keyframeCount: 1,
    firstFrameTime: 0,
    warnings: [],
  }) as VideoMetadata;

function harness(opts: { failOpen?: (name: string) => boolean } = {}) {
  let state: VideoState = emptyVideo({ ...DEFAULT_VIDEO_SETTINGS, nframes: 4 });
  const log: string[] = [];
  let tokens = 0;
  const media: MediaPort = {
    open: async (file) => {
      const name = (file as File).name;
      log.push(`open ${name}`);
      if (opts.failOpen?.(name))
        throw new MediaError('UNSUPPORTED_CODEC', `${name} uses a codec this browser cannot decode.`);
      return meta(name);
    },
    sample: (request, handlers) => ({
      done: (async () => {
        const n = request.mode.kind === 'nframes' ? request.mode.nframes : 0;
        for (let i = 0; i < n; i++)
          await handlers.onFrame({
            ordinal: i,
            sourceIndex: 2 * i,
            referenceTime: i,
            presentationTime: i,
            width: 56,
            height: 56,
            rgba: new ArrayBuffer(56 * 56 * 4),
          });
      })(),
    }),
  };
  const engine: VideoEnginePort = {
    beginVideo: async (id, frames, height, width) => {
      log.push(`begin ${id} ${frames}`);
      tokens = (frames / 2) * (height / 28) * (width / 28); // 2-frame temporal patches, 2 × 2 merge of 14 px patches
    },
    pushFrame: async (id, index, width, height, rgba) => {
      log.push(`frame ${id} ${index}`);
      return { width, height, rgba };
    },
    endVideo: async (id) => {
      log.push(`end ${id}`);
      return { videoTokens: tokens };
    },
  };
  const closed: number[] = [];
  const pipeline = new VideoPipeline({
    media: () => media,
    engine: () => engine,
    get: () => state,
    patch: (p) => (state = { ...state, ...(typeof p === 'function' ? p(state) : p) }),
    toBitmap: async (_rgba, w) => ({ width: w, close: () => closed.push(w) }) as unknown as ImageBitmap,
    debounceMs: 0,
  });
  return { pipeline, state: () => state, log, closed };
}

const file = (name: string) => new File([new Uint8Array(10)], name, { type: 'video/mp4' });

describe('VideoPipeline (fake workers)', () => {
  it('opens, samples every frame through the engine and becomes ready with the engine’s id', async () => {
    const h = harness();
    await h.pipeline.open(file('a.mp4'));
    const s = h.state();
    expect(s.error?.message ?? null).toBeNull();
    expect(s.status).toBe('ready');
    expect(s.engineVideoId).toBe(h.log.find((l) => l.startsWith('begin'))!.split(' ')[1]);
    expect(s.frames.map((f) => f.sourceIndex)).toEqual([0, 2, 4, 6]);
    expect(h.log.filter((l) => l.startsWith('frame'))).toHaveLength(4);
    expect(await h.pipeline.prepare(), 'a ready video is not sampled again').toBe(s.engineVideoId);
  });

  it('a file that fails to open leaves the previous video and says why', async () => {
    const h = harness({ failOpen: (n) => n === 'bad.mp4' });
    await h.pipeline.open(file('a.mp4'));
    const before = h.state();
    await h.pipeline.open(file('bad.mp4'));
    const after = h.state();
    expect(after.file?.name).toBe('a.mp4');
    expect(after.status).toBe('ready');
    expect(after.engineVideoId).toBe(before.engineVideoId);
    expect(after.error).toEqual({
      code: 'UNSUPPORTED_CODEC',
      message: 'bad.mp4 uses a codec this browser cannot decode.',
    });
  });

  it('refuses an empty file without touching the current video', async () => {
    const h = harness();
    await h.pipeline.open(new File([], 'empty.mp4'));
    expect(h.state()).toMatchObject({ status: 'empty', error: { code: 'EMPTY_FILE' } });
    expect(h.log).toEqual([]);
  });

  it('two pipelines keep separate state (no module globals)', async () => {
    const a = harness();
    const b = harness();
    await a.pipeline.open(file('a.mp4'));
    await b.pipeline.open(file('b.mp4'));
    // Each pipeline's first request is its own generation 2 (open = 1, resample = 2): ids do not leak across.
    expect(a.state().engineVideoId).toBe(b.state().engineVideoId);
    expect(b.log.filter((l) => l.startsWith('open'))).toEqual(['open b.mp4']);
  });
});
