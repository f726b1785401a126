// A GPU device loss as the store sees it (issue 12), with a scripted engine: the run that was interrupted fails with
// the engine's message, the model is marked unloaded with the same words and the video's GPU copy forgotten, and
// pressing Run again loads the same 7B model again (no "Load it first": it was loaded, so it is cached or consented
// to), prepares the video again and answers — all without reloading the page.
import { describe, expect, it } from 'vitest';
import type { EngineClient, GenerateHandlers } from '../engine-client/engine-client';
import { EngineError } from '../engine-client/engine-client';
import type { ModelSummary } from '../protocol/engine';
import type { Services } from './services';
import { createAppStore } from './store';
import type { VideoSlice } from './video-slice';

const MODEL = 'MBZUAI/Video-R2';
const LOST = 'The GPU device was lost while generating token 3 (device reset).';
const summary = { id: MODEL, weightBytes: 1, warnings: [], generation: {}, textLayers: 2, heads: 2 } as unknown;

describe('store: GPU device loss', () => {
  it('the interrupted run says so, the model and video are marked lost, and Run again reloads and answers', async () => {
    const calls: string[] = [];
    let lose = true;
    const engine = {
      load: () => {
        calls.push('load');
        return { done: Promise.resolve({ model: summary as ModelSummary, fromCache: true }), cancel: () => undefined };
      },
      generate: (_v: string, _p: unknown, _g: unknown, _a: boolean, h: GenerateHandlers) => {
        calls.push('generate');
        const done = (async () => {
          h.onPrompt?.({ promptTokens: 9, videoSpan: [2, 6], text: 'prompt', tapLayer: null, layers: 2 });
          h.onToken({ step: 0, id: 7, text: 'A', ms: 1 });
          if (lose) {
            lose = false;
            useApp.getState().deviceLost(LOST); // the worker's device-lost event, then the request's own error
            throw new EngineError('gpu-lost', LOST);
          }
          return {
            reason: 'max-tokens' as const,
            stats: { promptTokens: 9, generatedTokens: 1, visionMs: 0, prefillMs: 0, decodeMs: 0 },
          };
        })();
        return { done, cancel: () => undefined };
      },
    };
    const services: Services = {
      engine: () => engine as unknown as EngineClient,
      media: () => {
        throw new Error('this test stubs the video preparation');
      },
    };
    const useApp = createAppStore(services);
    useApp.setState((s) => ({
      adoptGenerationDefaults: () => undefined,
      prepareVideoForModel: async () => {
        calls.push('prepare');
        return 'v1';
      },
      video: {
        ...s.video,
        status: 'ready',
        engineVideoId: 'v1',
        metadata: { fileName: 'a.mp4', fileSize: 1, durationSeconds: 4, width: 56, height: 56 },
        plan: { indices: [0, 2], resized: { width: 56, height: 56 }, grid: { t: 1, h: 4, w: 4 }, secondPerGridT: 1 },
      } as unknown as VideoSlice['video'],
    }));
    useApp.getState().selectModel(MODEL);
    await useApp.getState().loadModel();
    expect(useApp.getState().model.status).toBe('ready');

    await useApp.getState().startRun();
    const failed = useApp.getState();
    expect(failed.run).toMatchObject({ status: 'error', error: LOST });
    expect(failed.runs.get(failed.run.runId!)!.meta).toMatchObject({ stage: 'error', error: LOST });
    expect(failed.model).toMatchObject({ status: 'error', summary: null, error: LOST, lostModelId: MODEL });
    expect(failed.video.engineVideoId, 'the video’s pixel values went with the device').toBeNull();

    await useApp.getState().startRun();
    const again = useApp.getState();
    expect(again.run, `the retry failed: ${again.run.error}`).toMatchObject({ status: 'done', error: null });
    expect(again.model).toMatchObject({ status: 'ready', error: null, lostModelId: null });
    expect(calls).toEqual(['load', 'prepare', 'generate', 'load', 'prepare', 'generate']);
    expect(again.runs.get(again.run.runId!)!.tokens!.text).toBe('A');
  });
});
