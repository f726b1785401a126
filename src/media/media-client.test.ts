// MediaClient's request bookkeeping against scripted fake workers: every request has a progress watchdog, a
// wedged worker is terminated and replaced, and a frame handler's error is never turned into a cancellation.

import { describe, expect, it } from 'vitest';
import { MediaError } from './errors';
import { MediaClient } from './media-client';
import type { MediaEvent, MediaRequest } from './protocol';
import type { SampledFrame, SampleRequest, VideoMetadata } from './types';

/** A worker that answers requests with a script; `null` means it never answers (wedged). */
class ScriptedWorker {
  onmessage: ((e: MessageEvent<MediaEvent>) => void) | null = null;
  onerror: unknown = null;
  onmessageerror: unknown = null;
  terminated = false;
  readonly received: MediaRequest[] = [];
  constructor(private readonly answer: (msg: MediaRequest, send: (e: MediaEvent) => void) => void) {}
  postMessage(msg: MediaRequest): void {
    this.received.push(msg);
    if (this.terminated) return;
    this.answer(msg, (event) =>
      setTimeout(() => !this.terminated && this.onmessage?.({ data: event } as MessageEvent<MediaEvent>), 1),
    );
  }
  terminate(): void {
    this.terminated = true;
  }
}

const META = { fileName: 'a.mp4', frameCount: 10 } as VideoMetadata;
const REQUEST = {
  mode: { kind: 'nframes', nframes: 2 },
  minPixels: 1,
  maxPixels: 1,
  burnTimestamps: false,
  subtitles: null,
  applyRotation: true,
} as SampleRequest;
const frame = (ordinal: number): SampledFrame => ({
  ordinal,
  sourceIndex: ordinal,
  referenceTime: 0,
  presentationTime: 0,
  width: 1,
  height: 1,
  rgba: new ArrayBuffer(4),
});

function clientWith(
  scripts: ((msg: MediaRequest, send: (e: MediaEvent) => void) => void)[],
  options: { silenceTimeoutMs?: number; replaceBusyAfterMs?: number } = {},
) {
  const workers: ScriptedWorker[] = [];
  const client = new MediaClient({
    fontUrl: 'font.ttf',
    silenceTimeoutMs: options.silenceTimeoutMs ?? 200,
    replaceBusyAfterMs: options.replaceBusyAfterMs ?? 60_000,
    createWorker: () => {
      const script = scripts[workers.length];
      if (!script) throw new Error(`test made more workers (${workers.length + 1}) than it scripted`);
      const w = new ScriptedWorker(script);
      workers.push(w);
      return w as unknown as Worker;
    },
  });
  return { client, workers };
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof MediaError ? e.code : `${(e as Error).name}: ${(e as Error).message}`;
  }
}

const openThenHang = (): ((msg: MediaRequest, send: (e: MediaEvent) => void) => void) => {
  let opens = 0;
  return (msg, send) => {
    if (msg.type === 'open' && opens++ === 0) send({ type: 'opened', id: msg.id, metadata: META });
  };
};
const alwaysOpens = (msg: MediaRequest, send: (e: MediaEvent) => void) => {
  if (msg.type === 'open') send({ type: 'opened', id: msg.id, metadata: META });
};

describe('MediaClient watchdog', () => {
  it('a later request on a worker that already answered once still times out, and the next file gets a fresh worker', async () => {
    const { client, workers } = clientWith([openThenHang(), alwaysOpens]);
    expect(await outcome(client.open(new Blob(['a'])))).toBe('resolved');
    // The second file wedges the worker (a demuxer stuck in a synchronous loop never answers).
    expect(await outcome(client.open(new Blob(['b'])))).toBe('WORKER_FAILED');
    expect(workers[0]?.terminated, 'the wedged worker was not terminated').toBe(true);
    expect(await outcome(client.open(new Blob(['c'])))).toBe('resolved');
    expect(workers).toHaveLength(2);
    client.dispose();
  });

  it('the timeout message says what the worker was doing and for how long', async () => {
    const { client } = clientWith([() => undefined]);
    const e = await client.open(new Blob(['a'])).catch((x: unknown) => x as MediaError);
    expect(e).toBeInstanceOf(MediaError);
    expect((e as MediaError).message).toMatch(/while reading the file \(no progress for 0\.2 s\)/);
    client.dispose();
  });

  it('a new file does not queue behind a busy, silent worker: the worker is replaced at once', async () => {
    const { client, workers } = clientWith([() => undefined, alwaysOpens], {
      silenceTimeoutMs: 60_000,
      replaceBusyAfterMs: 50,
    });
    const stuck = outcome(client.open(new Blob(['a'])));
    await new Promise((r) => setTimeout(r, 120));
    expect(await outcome(client.open(new Blob(['b'])))).toBe('resolved');
    expect(await stuck).toBe('CANCELLED');
    expect(workers[0]?.terminated, 'the busy worker was not terminated').toBe(true);
    client.dispose();
  });

  it('silence while the client still holds unacknowledged frames is not a hang', async () => {
    const { client } = clientWith([
      (msg, send) => {
        if (msg.type === 'open') send({ type: 'opened', id: msg.id, metadata: META });
        if (msg.type === 'sample') send({ type: 'frame', id: msg.id, frame: frame(0) });
        if (msg.type === 'ack') send({ type: 'done', id: msg.id, summary: { plan: null, stats: null } as never });
      },
    ]);
    await client.open(new Blob(['a']));
    // The handler takes three watchdog periods (e.g. a slow GPU resize); the worker waits for the ack meanwhile.
    const job = client.sample(REQUEST, { onFrame: () => new Promise((r) => setTimeout(r, 600)) });
    expect(await outcome(job.done)).toBe('resolved');
    client.dispose();
  });
});

describe('MediaClient frame handler errors', () => {
  it('an error thrown by the frame handler (the engine refusing a frame) reaches the caller as itself, not CANCELLED', async () => {
    const { client, workers } = clientWith([
      (msg, send) => {
        if (msg.type === 'open') send({ type: 'opened', id: msg.id, metadata: META });
        if (msg.type === 'sample') send({ type: 'frame', id: msg.id, frame: frame(3) });
      },
    ]);
    await client.open(new Blob(['a']));
    const job = client.sample(REQUEST, {
      onFrame: () => {
        throw new Error('Frame 3 arrived out of order (expected 1)');
      },
    });
    expect(await outcome(job.done)).toBe('Error: Frame 3 arrived out of order (expected 1)');
    expect(
      workers[0]?.received.map((m) => m.type),
      'the worker was not told to stop',
    ).toContain('cancel');
    client.dispose();
  });
});
