// VideoPipeline with fake media and engine clients: frames flow media → engine → strip, the newest request wins,
// and a file that fails leaves the previous video in place. Two pipelines share nothing.
import { describe, expect, it, vi } from 'vitest';
import { MediaError } from '../media';
import { EngineError } from '../engine-client/engine-client';
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

function harness(
  opts: { failOpen?: (name: string) => boolean; failFrame?: (id: string, index: number) => Error | null } = {},
) {
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
      const refused = opts.failFrame?.(id, index);
      if (refused) throw refused;
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

  it('an engine error while a new file is prepared is no cancellation: the previous video returns, with the error', async () => {
    // The engine refusing a frame of b.mp4 (what a damaged fMP4's out-of-order sample times caused).
    let opened = '';
    const h = harness({
      failFrame: (_id, index) =>
        opened === 'b.mp4' && index === 1
          ? new EngineError('bad-video', 'Frame 3 arrived out of order (expected 1).')
          : null,
    });
    await h.pipeline.open(file('a.mp4'));
    opened = 'b.mp4';
    await h.pipeline.open(file('b.mp4'));
    const failed = h.state();
    expect(failed.file?.name, 'the previous file is back at once').toBe('a.mp4');
    expect(failed.error).toEqual({
      code: 'ENGINE_BAD_VIDEO',
      message: 'b.mp4: Frame 3 arrived out of order (expected 1).',
    });
    expect(failed.status, 'never left "Decoding frames" forever').not.toBe('ready');
    opened = 'a.mp4';
    await vi.waitFor(() => expect(h.state().status).toBe('ready'));
    const back = h.state();
    expect(back.file?.name).toBe('a.mp4');
    expect(
      back.frames.map((f) => f.sourceIndex),
      'a.mp4 sampled again',
    ).toEqual([0, 2, 4, 6]);
    expect(back.error?.code, 'the error stays until the next action').toBe('ENGINE_BAD_VIDEO');
    expect(await h.pipeline.prepare()).toBe(back.engineVideoId);
  });

  it('a lost GPU device keeps the new file (not its fault) and the next prepare samples it again', async () => {
    let lose = false;
    const h = harness({
      failFrame: (_id, index) =>
        lose && index === 2 ? new EngineError('gpu-lost', 'The GPU device was lost while preparing the video.') : null,
    });
    await h.pipeline.open(file('a.mp4'));
    lose = true;
    await h.pipeline.open(file('b.mp4'));
    expect(h.state()).toMatchObject({
      file: { name: 'b.mp4' },
      status: 'error',
      error: { code: 'ENGINE_GPU_LOST', message: 'b.mp4: The GPU device was lost while preparing the video.' },
    });
    lose = false;
    const id = await h.pipeline.prepare();
    expect(h.state()).toMatchObject({ file: { name: 'b.mp4' }, status: 'ready', engineVideoId: id, error: null });

    // A loss announced while the video was ready: its pixel values are gone, so the next prepare samples again.
    const frames = h.log.filter((l) => l.startsWith('frame')).length;
    h.pipeline.deviceLost();
    expect(h.state().engineVideoId).toBeNull();
    const again = await h.pipeline.prepare();
    expect(again).not.toBe(id);
    expect(h.log.filter((l) => l.startsWith('frame')).length - frames, 'frames sent to the new device').toBe(4);
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
