// Model state (issue 12): a failed load keeps the working model, errors clear when superseded, a load that got as far
// as dropping the old model does not pretend it is still there. The engine is a scripted fake.
import { beforeEach, describe, expect, it } from 'vitest';
import type { EngineClient, Progress } from '../engine-client/engine-client';
import { EngineError } from '../engine-client/engine-client';
import type { ModelSummary } from '../protocol/engine';
import type { Services } from './services';
import { createAppStore } from './store';

const summary = (id: string): ModelSummary =>
  ({ id, weightBytes: 1, warnings: [], generation: {} }) as unknown as ModelSummary;

/** Each load runs `script` with the progress callback, then resolves with `id` or throws. */
function fakeEngine(script: (progress: (p: Progress) => void) => void | Promise<void>, result: string | Error) {
  const fake = {
    load: (_s: unknown, _o: unknown, onProgress?: (p: Progress) => void) => ({
      done: (async () => {
        await script((p) => onProgress?.(p));
        if (result instanceof Error) throw result;
        return { model: summary(result), fromCache: false };
      })(),
      cancel: () => undefined,
    }),
  };
  engine = fake as unknown as EngineClient;
}

/** Runs loadModel against a fake engine that reports `progress` (if given), then ends with `result`. */
async function load(result: string | Error, progress?: Progress): Promise<void> {
  fakeEngine((p) => progress && p(progress), result);
  await useApp.getState().loadModel();
}

/** The engine the store under test talks to; each test's fakeEngine() swaps it. */
let engine: EngineClient;
const services: Services = {
  engine: () => engine,
  media: () => {
    throw new Error('model state tests use no media worker');
  },
};
let useApp = createAppStore(services);

beforeEach(async () => {
  useApp = createAppStore(services);
  useApp.setState({ adoptGenerationDefaults: () => undefined });
  await load('video-r2-tiny');
});

describe('model state', () => {
  it('a load that fails before the engine drops the working model keeps it loaded and usable', async () => {
    expect(useApp.getState().model).toMatchObject({ status: 'ready', summary: { id: 'video-r2-tiny' } });
    useApp.getState().selectModel('MBZUAI/Video-R2');
    expect(useApp.getState().model.status, 'choosing another model leaves the loaded one usable').toBe('ready');
    await load(new EngineError('network', 'The network is unreachable'), { phase: 'config', done: 0, total: 1 });
    expect(useApp.getState().model).toMatchObject({
      status: 'ready',
      summary: { id: 'video-r2-tiny' },
      error: 'The network is unreachable',
    });
    useApp.getState().selectModel('video-r2-tiny');
    expect(useApp.getState().model.error, 'the error belongs to the failed load and clears when superseded').toBeNull();
  });

  it('a load that fails after the engine dropped the old model (first weights progress) reports no model', async () => {
    useApp.getState().selectModel('MBZUAI/Video-R2');
    await load(new EngineError('out-of-memory', 'Out of GPU memory'), { phase: 'quantize', done: 0, total: 100 });
    expect(useApp.getState().model).toMatchObject({ status: 'error', summary: null, error: 'Out of GPU memory' });
  });

  it('a lost GPU device unloads the model with its message; a load the loss broke keeps nothing', async () => {
    const message = 'The GPU device was lost while generating token 3 (device reset).';
    useApp.getState().deviceLost(message);
    expect(useApp.getState().model).toMatchObject({
      status: 'error',
      summary: null,
      error: message,
      lostModelId: 'video-r2-tiny',
    });
    await load('video-r2-tiny');
    expect(useApp.getState().model).toMatchObject({ status: 'ready', error: null, lostModelId: null });

    // A loss during the next load, before the engine dropped the working model: it is gone all the same.
    useApp.getState().selectModel('MBZUAI/Video-R2');
    await load(new EngineError('gpu-lost', 'The GPU device was lost while loading the model.'), {
      phase: 'config',
      done: 0,
      total: 1,
    });
    expect(useApp.getState().model).toMatchObject({
      status: 'error',
      summary: null,
      error: 'The GPU device was lost while loading the model.',
      lostModelId: 'MBZUAI/Video-R2',
    });
  });

  it('a cancelled load before the drop keeps the old model without an error', async () => {
    useApp.getState().selectModel('MBZUAI/Video-R2');
    await load(new EngineError('cancelled', 'Loading was cancelled.'));
    expect(useApp.getState().model).toMatchObject({ status: 'ready', summary: { id: 'video-r2-tiny' }, error: null });
  });

  it('an empty or malformed repo id is refused with "owner/name expected"', async () => {
    useApp.getState().selectModel('not a repo');
    await useApp.getState().loadModel();
    expect(useApp.getState().model.error).toMatch(/owner\/name expected/);
    expect(useApp.getState().model.summary?.id, 'the working model stays').toBe('video-r2-tiny');
  });
});
