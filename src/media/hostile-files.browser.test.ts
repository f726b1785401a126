// Damaged files through the real media worker in Chromium. First the cases that once hung or gave a misleading
// message, each with the message it must give now; then a seeded fuzz corpus of the generated test videos, where
// every file must end in a result or a specific error before the client's watchdog would fire, leak no
// VideoFrame, throw nothing uncaught, and leave the pipeline working for a good file (checked periodically).

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MediaError, type MediaErrorCode } from './errors';
import { MediaClient } from './media-client';
import { DEFAULT_SAMPLING } from './plan';
import { readFrameId } from './test-fixtures/frame-id';
import { boxAt, fuzzCorpus, lastEbml, sampleEntryAt, setU16, setU32, u32 } from './test-fixtures/mutate';
import type { SampleRequest, VideoMetadata } from './types';

const fixtures = inject('mediaFixtures');

async function bytesOf(file: string): Promise<Uint8Array> {
  const r = await fetch(fixtures.urlPrefix + file);
  if (!r.ok) throw new Error(`fetch ${file}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** The watchdog bound: a file that makes the worker silent this long counts as a hang (WORKER_FAILED). */
const SILENCE_MS = 20_000;
const client = new MediaClient({ fontUrl: '/fonts/DejaVuSans.ttf', silenceTimeoutMs: SILENCE_MS });
afterAll(() => client.dispose());

const uncaught: string[] = [];
const onError = (e: ErrorEvent) => uncaught.push(`error: ${e.message}`);
const onRejection = (e: PromiseRejectionEvent) => uncaught.push(`unhandled rejection: ${String(e.reason)}`);
beforeAll(() => {
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
});
afterAll(() => {
  window.removeEventListener('error', onError);
  window.removeEventListener('unhandledrejection', onRejection);
});

const request = (nframes: number): SampleRequest => ({
  ...DEFAULT_SAMPLING,
  mode: { kind: 'nframes', nframes },
  burnTimestamps: false,
  subtitles: null,
  applyRotation: true,
});

type Outcome = { ok: true; meta: VideoMetadata; frames: number } | { ok: false; error: MediaError };

/** Open, then sample two frames: a result or a typed error. Anything else thrown fails the test. */
async function attempt(bytes: Uint8Array, name: string): Promise<Outcome> {
  try {
    const meta = await client.open(new File([bytes as BlobPart], name));
    let frames = 0;
    await client.sample(request(2), { onFrame: () => void frames++ }).done;
    return { ok: true, meta, frames };
  } catch (e) {
    if (e instanceof MediaError) return { ok: false, error: e };
    throw e;
  }
}

async function errorOf(bytes: Uint8Array, name: string): Promise<MediaError> {
  const r = await attempt(bytes, name);
  if (r.ok)
    throw new Error(
      `${name} opened (${r.meta.frameCount} frames, warnings: ${r.meta.warnings.join(' | ')}); an error was expected`,
    );
  return r.error;
}

/** A good file still opens and its frames are the right ones. */
async function goodFileWorks(): Promise<void> {
  await client.open(new File([(await bytesOf('vp9.webm')) as BlobPart], 'vp9.webm'));
  const ids: number[] = [];
  await client.sample(request(4), {
    onFrame: (f) => void ids.push(readFrameId(new Uint8Array(f.rgba), f.width, f.height)),
  }).done;
  expect(ids, 'a good file after damaged ones').toEqual([0, 30, 59, 89]);
}

describe('damaged files that used to hang or mislead', () => {
  it('a WebM whose Cues element has size 0 opens (the damaged tail is ignored, with a warning) instead of hanging the demuxer', async () => {
    const b = await bytesOf('vp9.webm');
    b[lastEbml(b, '1c53bb6b') + 4] = 0x80; // one byte: the Cues size becomes 0
    const r = await attempt(b, 'cues-size-0.webm');
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    expect(r.meta.frameCount).toBe(90);
    expect(r.frames).toBe(2);
    expect(r.meta.warnings.join(' ')).toMatch(/damaged from byte \d+ on/);
    await goodFileWorks();
  });

  it('impossible frame sizes are called damaged, with the numbers (not "unsupported codec")', async () => {
    const mp4 = await bytesOf('h264-bframes.mp4');
    const avc1 = sampleEntryAt(mp4);
    const huge = setU16(setU16(mp4.slice(), avc1 + 32, 65535), avc1 + 34, 65535);
    const e = await errorOf(huge, 'huge.mp4');
    expect(e.code).toBe('CORRUPT_FILE');
    expect(e.message).toMatch(/65535×65535, which is impossible/);
    const webm = await bytesOf('vp9.webm');
    const pixelWidth = webm.findIndex((x, i) => x === 0xb0 && webm[i + 1] === 0x81 && webm[i + 2] === 160);
    const zero = webm.slice();
    zero[pixelWidth + 2] = 0;
    const z = await errorOf(zero, 'width-0.webm');
    expect(z.code).toBe('CORRUPT_FILE');
    expect(z.message).toMatch(/0×96, which is impossible/);
  });

  it('a missing or broken avcC is named as such', async () => {
    const mp4 = await bytesOf('h264-bframes.mp4');
    const avcC = boxAt(mp4, 'avcC');
    const missing = mp4.slice();
    missing.set([0x78, 0x78, 0x78, 0x78], avcC + 4); // renamed: mp4box skips it
    const m = await errorOf(missing, 'no-avcc.mp4');
    expect(m.code).toBe('CORRUPT_FILE');
    expect(m.message).toMatch(/avcC/);
    const broken = setU32(mp4.slice(), avcC, 0xffffffff);
    const b = await errorOf(broken, 'avcc-size.mp4');
    expect(b.code).toBe('CORRUPT_FILE');
    expect(b.message).not.toMatch(/cannot decode|Re-encode it to H\.264/);
  });

  it('one frame, no media data and an absurd sample size say so (never "choose at most 0 frames")', async () => {
    const one = await errorOf(await bytesOf('one-frame.mp4'), 'one-frame.mp4');
    expect(one.code).toBe('TOO_FEW_FRAMES');
    expect(one.message).toMatch(/only one frame .*at least 2/);
    const noMdat = await bytesOf('h264-faststart.mov');
    noMdat.set([0x66, 0x72, 0x65, 0x65], boxAt(noMdat, 'mdat') + 4); // mdat → free
    const n = await errorOf(noMdat, 'no-mdat.mov');
    expect(n.code).toBe('CORRUPT_FILE');
    expect(n.message).toMatch(/no media data/);
    const stsz = await bytesOf('h264-bframes.mp4');
    setU32(stsz, boxAt(stsz, 'stsz') + 20, 0xfffffff0); // first entry
    const s = await errorOf(stsz, 'stsz.mp4');
    expect(s.code).toBe('CORRUPT_FILE');
    expect(s.message).toMatch(/stsz\) says frame 0 is 4,294,967,280 bytes/);
  });

  it('impossible timing is refused with its numbers, implausible timing is a warning', async () => {
    const bf = await bytesOf('h264-bframes.mp4');
    const mdhd = boxAt(bf, 'mdhd');
    const timescale = u32(bf, mdhd + 20);
    const fast = await errorOf(setU32(bf.slice(), mdhd + 20, 0xffffffff), 'timescale-max.mp4');
    expect(fast.message).toMatch(/timescale 4,294,967,295 .*frames per second, which no video has/);
    const zero = await errorOf(setU32(bf.slice(), mdhd + 20, 0), 'timescale-0.mp4');
    expect(zero.code).toBe('CORRUPT_FILE');
    expect(zero.message).toMatch(/damaged: .*timescale of 0/);
    const stts = bf.slice();
    setU32(stts, boxAt(stts, 'stts') + 20, 0); // the one entry's delta
    const still = await errorOf(stts, 'stts-0.mp4');
    expect(still.code).toBe('CORRUPT_FILE');
    expect(still.message).toMatch(/damaged: .*duration of 0/);

    const frag = await bytesOf('fragmented.mp4');
    setU32(frag, boxAt(frag, 'tfdt') + 12, 0xffffffff); // high word of the first fragment's decode time
    const far = await errorOf(frag, 'tfdt-high.mp4');
    expect(far.code).toBe('CORRUPT_FILE');
    expect(far.message).toMatch(
      /first frame is stamped at [\d,]+ s \([\d,]+ years\), although all 90 frames together last 3\.000 s/,
    );

    const long = bf.slice();
    setU32(long, mdhd + 24, 7200 * timescale); // mdhd claims two hours over 3 s of samples
    const r = await attempt(long, 'claims-2h.mp4');
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    // mp4box stretches the last sample to the header's end: that frame is capped, the duration follows the frames.
    expect(r.meta.durationSeconds).toBeCloseTo(3, 3);
    expect(r.meta.warnings.join(' ')).toMatch(/Frame \d+ claims to last 7,19\d s while the others last 0\.033 s/);
  });

  it('no VideoFrame leaked and nothing was thrown uncaught', async () => {
    const { framesOpened, framesClosed } = await client.accounting();
    expect(framesClosed, 'VideoFrames opened but never closed').toBe(framesOpened);
    expect(uncaught).toEqual([]);
  });
});

/** Codes a damaged file may end in; WORKER_FAILED means the watchdog fired (a hang), CANCELLED that nothing finished. */
const SPECIFIC: MediaErrorCode[] = [
  'NOT_A_VIDEO',
  'NO_VIDEO_TRACK',
  'CORRUPT_FILE',
  'UNSUPPORTED_CODEC',
  'DECODE_FAILED',
  'DECODE_TIMEOUT',
  'TOO_FEW_FRAMES',
  'ASPECT_RATIO',
];

describe('fuzzed test videos (seeded)', () => {
  const BASES = ['h264-bframes.mp4', 'vp9.webm', 'fragmented.mp4', 'av1.mkv', 'h264-faststart.mov', 'tiny-16x16.mp4'];
  const COUNT = 360;

  it(`${COUNT} damaged files: each a result or a specific error, no leaks, and good files keep working`, async () => {
    const bases = await Promise.all(BASES.map(async (name) => ({ name, bytes: await bytesOf(name) })));
    const corpus = fuzzCorpus(bases, 20260312, COUNT);
    const tally = new Map<string, number>();
    const problems: string[] = [];
    for (const [k, m] of corpus.entries()) {
      const r = await attempt(m.bytes, m.name);
      const key = r.ok ? 'opened' : r.error.code;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      if (!r.ok) {
        if (!SPECIFIC.includes(r.error.code)) problems.push(`${m.name}: ${r.error.code}: ${r.error.message}`);
        if (/at most 0 frames|frame rate \(0\)|NaN|Infinity|undefined/.test(r.error.message))
          problems.push(`${m.name}: unclear message: ${r.error.message}`);
      } else if (!(r.meta.durationSeconds < 3600 && r.meta.averageFps <= 2000)) {
        problems.push(`${m.name}: absurd timing accepted: ${r.meta.durationSeconds} s at ${r.meta.averageFps} fps`);
      }
      const { framesOpened, framesClosed } = await client.accounting();
      if (framesOpened !== framesClosed)
        problems.push(`${m.name}: ${framesOpened - framesClosed} VideoFrames left open`);
      if (k % 30 === 29) await goodFileWorks();
    }
    console.log(`fuzz outcomes: ${[...tally].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    expect(problems).toEqual([]);
    expect(uncaught).toEqual([]);
    await goodFileWorks();
  }, 600_000);
});
