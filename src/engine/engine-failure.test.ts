import { describe, expect, it } from 'vitest';
import { EngineFailure } from './engine-failure';
import { GpuOutOfMemoryError, GpuUnavailableError } from './gpu/device';
import { ModelSpecError } from './spec/config-reader';
import { CheckpointError, HttpError, NetworkError, RangeNotSupportedError, SafetensorsError } from './weights/errors';

describe('EngineFailure.from', () => {
  it('classifies by error type', () => {
    const cases: [unknown, string][] = [
      [new GpuUnavailableError('no-adapter', 'No WebGPU adapter'), 'no-webgpu'],
      [new GpuOutOfMemoryError('Loading the model: the GPU ran out of memory'), 'out-of-memory'],
      [new RangeError('Array buffer allocation failed'), 'out-of-memory'],
      [new HttpError('https://x/model.safetensors', 503, 'Service Unavailable'), 'network'],
      [new RangeNotSupportedError('https://x/a', 'got HTTP 200'), 'network'],
      [new NetworkError('https://x/a: giving up after 4 failed attempts'), 'network'],
      [new SafetensorsError('bad header'), 'bad-model'],
      [new CheckpointError('checkpoint does not fit', ['missing lm_head.weight']), 'bad-model'],
      [new ModelSpecError('config.json: hidden_size missing'), 'bad-model'],
      [new EngineFailure('cancelled', 'Loading was cancelled.'), 'cancelled'],
    ];
    expect(cases.map(([e]) => EngineFailure.from(e).code)).toEqual(cases.map(([, code]) => code));
  });

  it('never decides from message text', () => {
    // Words the old regexes matched, in errors of the wrong type.
    expect(EngineFailure.from(new Error('out of memory while fetching over the network (HTTP Range)')).code).toBe(
      'internal',
    );
    expect(EngineFailure.from(new SafetensorsError('HTTP Range fetch')).code).toBe('bad-model');
    expect(EngineFailure.from('plain string').message).toBe('plain string');
  });
});
