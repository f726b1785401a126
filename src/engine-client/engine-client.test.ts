// The client over a scripted worker: a GPU device loss is announced to its listeners and fails only the request it
// interrupted; the client stays usable (the engine takes a new device), unlike a crashed worker.
import { describe, expect, it } from 'vitest';
import { EngineClient, EngineError } from './engine-client';
import type { EngineEvent, EngineRequest } from '../protocol/engine';

class FakeWorker extends EventTarget {
  readonly sent: EngineRequest[] = [];
  postMessage(msg: EngineRequest): void {
    this.sent.push(msg);
  }
  emit(ev: EngineEvent): void {
    this.dispatchEvent(new MessageEvent('message', { data: ev }));
  }
  terminate(): void {}
}

describe('EngineClient and device loss', () => {
  it('announces the loss, fails the interrupted request with gpu-lost, and keeps working', async () => {
    const worker = new FakeWorker();
    const client = new EngineClient(worker as unknown as Worker);
    const lost: string[] = [];
    const fatal: string[] = [];
    client.onDeviceLost((m) => lost.push(m));
    client.onFatal((e) => fatal.push(e.message));

    const begin = client.beginVideo('v1', 4, 56, 56, 2);
    const rid = worker.sent.at(-1)!.rid;
    worker.emit({ type: 'device-lost', rid: 0, message: 'The GPU device was lost while preparing the video.' });
    worker.emit({
      type: 'error',
      rid,
      code: 'gpu-lost',
      message: 'The GPU device was lost while preparing the video.',
    });
    await expect(begin).rejects.toEqual(
      new EngineError('gpu-lost', 'The GPU device was lost while preparing the video.'),
    );
    expect(lost).toEqual(['The GPU device was lost while preparing the video.']);
    expect(fatal, 'a device loss is not the end of the engine').toEqual([]);

    // The retry goes to the worker and is answered.
    const again = client.beginVideo('v2', 4, 56, 56, 2);
    const retry = worker.sent.at(-1)!;
    expect(retry).toMatchObject({ type: 'video-begin', videoId: 'v2' });
    worker.emit({ type: 'ok', rid: retry.rid });
    await expect(again).resolves.toBeUndefined();
  });
});
