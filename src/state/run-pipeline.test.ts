// RunPipeline with a fake engine: a run records its settings, stages and tokens in the run store; a new run never
// wipes the previous one; a run that fails to start leaves the last answer on screen.
import { describe, expect, it } from 'vitest';
import type { GenerateHandlers } from '../engine-client/engine-client';
import type { ModelSummary } from '../protocol/engine';
import { RunStore } from '../runs/run-store';
import { RunPipeline, type RunAttempt, type RunRequest } from './run-pipeline';
import { testRunVideo } from '../test-utils/run-video';

const video = testRunVideo();
const summary = { id: 'tiny', quantization: 'none', textLayers: 3, heads: 2 } as ModelSummary;
const request: RunRequest = {
  prompt: { system: 'sys', question: 'What happens?', suffix: 'Think.' },
  params: { maxNewTokens: 8, doSample: false, temperature: 1, topK: 1, topP: 1, repetitionPenalty: 1, seed: 0 },
  attention: true,
  tapLayer: null,
  modelId: 'tiny',
  model: { revision: 'main', quantization: 'none', kvCache: 'f32' },
};

const tap = (v: number) => ({
  headMass: new Float32Array([v, v]),
  pairMass: new Float32Array([v / 2, v / 2]),
  segmentMass: new Float32Array([0.5, 0.1, v, 0.2, 0.2 - v]),
  videoRow: new Float32Array(8).fill(v / 8),
});

function harness(opts: { failVideo?: boolean; runs?: RunStore; selected?: string[]; question?: string } = {}) {
  const runs = opts.runs ?? new RunStore({ schedule: () => undefined });
  let attempt: RunAttempt = { status: 'idle', runId: null, progress: null, error: null };
  const selected = opts.selected ?? [];
  let clock = 0;
  const texts = [
    ['<think>', 'Hi'],
    [' there', '.'],
  ];
  let call = 0;
  const pipeline = new RunPipeline({
    runs,
    request: () =>
      opts.question === undefined ? request : { ...request, prompt: { ...request.prompt, question: opts.question } },
    ensureModel: async () => summary,
    prepareVideo: async () => {
      clock += 5;
      if (opts.failVideo) throw new Error('The video could not be decoded.');
      return { videoId: 'v1', video };
    },
    setAttempt: (a) => (attempt = { ...attempt, ...a }),
    select: (id) => selected.push(id),
    now: () => clock,
    engine: () => ({
      generate: (_v, _p, _params, _attention, h: GenerateHandlers, tapLayer) => {
        const words = texts[call++ % texts.length]!;
        const done = (async () => {
          clock += 10;
          h.onPrompt?.({ promptTokens: 20, videoSpan: [4, 12], text: 'prompt', tapLayer: tapLayer ?? 2, layers: 3 });
          h.onProgress?.({ phase: 'prefill', done: 19, total: 20 });
          clock += 10;
          words.forEach((text, i) => h.onToken({ step: i, id: 100 + i, text, ms: 3, attention: tap(0.1 * (i + 1)) }));
          return {
            reason: 'eos' as const,
            stats: { promptTokens: 20, generatedTokens: words.length, visionMs: 1, prefillMs: 2, decodeMs: 3 },
          };
        })();
        return { done, cancel: () => undefined };
      },
    }),
  });
  return { pipeline, runs, attempt: () => attempt, selected };
}

describe('RunPipeline (fake engine)', () => {
  it('records the run: settings, layout, tap layer, stages with times, tokens with attention', async () => {
    const h = harness();
    await h.pipeline.start();
    const [run] = h.runs.list();
    const m = run!.meta;
    expect(m).toMatchObject({
      stage: 'done',
      stopReason: 'eos',
      error: null,
      origin: 'live',
      tap: { layer: 2 },
      video,
      layout: { promptTokens: 20, videoStart: 4, videoEnd: 12 },
    });
    expect(m.prompt).toEqual({ ...request.prompt, text: 'prompt' });
    expect(m.model).toMatchObject({ id: 'tiny', heads: 2, textLayers: 3, kvCache: 'f32' });
    expect(m.timings).toMatchObject({
      loadedMs: 0,
      preprocessedMs: 5,
      visionMs: 15,
      prefilledMs: 25,
      firstTokenMs: 25,
      endedMs: 25,
      engine: { visionMs: 1, prefillMs: 2, decodeMs: 3 },
    });
    const t = run!.tokens!;
    expect(t.text).toBe('<think>Hi');
    expect(Array.from(t.ids)).toEqual([100, 101]);
    expect(t.segmentMass[5 + 2]).toBeCloseTo(0.2, 6);
    expect(h.selected).toEqual([run!.id]);
    expect(h.attempt()).toMatchObject({ status: 'done', runId: run!.id, error: null });
  });

  it('a second run is a new record; the first keeps its answer', async () => {
    const h = harness();
    await h.pipeline.start();
    await h.pipeline.start();
    const [a, b] = h.runs.list();
    expect(a!.tokens!.text).toBe('<think>Hi');
    expect(b!.tokens!.text).toBe(' there.');
    expect(h.selected).toEqual([a!.id, b!.id]);
  });

  it('a run that fails to start is kept as failed and leaves the previous answer shown', async () => {
    const h = harness();
    await h.pipeline.start();
    const shown = h.selected.at(-1);
    // The same store and selection, asked again with a video that cannot be prepared.
    await harness({ failVideo: true, runs: h.runs, selected: h.selected }).pipeline.start();
    const last = h.runs.list().at(-1)!;
    expect(last.meta).toMatchObject({ stage: 'error', error: 'The video could not be decoded.' });
    expect(last.meta.timings.loadedMs).toBe(0);
    expect(last.meta.timings.preprocessedMs, 'it never got past preprocessing').toBeNull();
    expect(h.selected.at(-1), 'the shown run did not change').toBe(shown);
    expect(h.runs.list()[0]!.tokens!.count).toBe(2);
  });

  it('refuses an empty question without creating a run', async () => {
    const h = harness({ question: '  ' });
    await h.pipeline.start();
    expect(h.runs.list()).toHaveLength(0);
    expect(h.attempt()).toMatchObject({ status: 'error', error: 'Type a question first.' });
  });
});
