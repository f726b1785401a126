// What the UI is told when the engine fails: a code it can act on and a message for the person. Classified by error
// type only (never by matching message text), so rewording a message cannot change what the UI does.
import type { EngineErrorCode } from '../protocol/engine';
import { GpuOutOfMemoryError, GpuUnavailableError } from './gpu/device';
import { ModelSpecError } from './spec/config-reader';
import { NetworkError, WeightsError } from './weights/errors';

export class EngineFailure extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineFailure';
  }

  /** Maps anything thrown inside the engine to a code the UI can act on. */
  static from(e: unknown): EngineFailure {
    if (e instanceof EngineFailure) return e;
    if (e instanceof GpuUnavailableError) return new EngineFailure('no-webgpu', e.message);
    if (e instanceof GpuOutOfMemoryError)
      return new EngineFailure(
        'out-of-memory',
        `${e.message}. Use the 4-bit weights, fewer frames or a lower max_pixels, and close other GPU-heavy tabs.`,
      );
    if (e instanceof ModelSpecError) return new EngineFailure('bad-model', e.message);
    if (e instanceof NetworkError) return new EngineFailure('network', e.message);
    if (e instanceof WeightsError) return new EngineFailure('bad-model', e.message);
    // The engine's RangeErrors come from host allocations (ArrayBuffer, typed arrays, mapped staging buffers).
    if (e instanceof RangeError)
      return new EngineFailure(
        'out-of-memory',
        `The browser could not allocate memory: ${e.message}. Try fewer frames or a lower max_pixels.`,
      );
    return new EngineFailure('internal', e instanceof Error ? e.message : String(e));
  }
}
