// The Matroska pre-walk that keeps mediabunny's resync from spinning forever on junk with no element after it.

import { describe, expect, it } from 'vitest';
import { safeMatroskaExtent } from './ebml-guard';

const hex = (h: string) => Uint8Array.from(h.replace(/\s/g, '').match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const blob = (...parts: Uint8Array[]) => new Blob(parts as BlobPart[]);
// EBML header (empty body), Segment of unknown size.
const HEAD = hex('1a45dfa3 80  18538067 01ffffffffffffff');
const INFO = hex('1549a966 84 2ad7b181');
const CLUSTER = hex('1f43b675 86 e781 00 a3 81 00');

describe('safeMatroskaExtent', () => {
  it('leaves a well-formed file whole', async () => {
    const f = blob(HEAD, INFO, CLUSTER, CLUSTER);
    expect(await safeMatroskaExtent(f)).toEqual({ end: f.size });
  });

  it('cuts a Cues element of size 0 whose cue points follow as junk, up to the junk', async () => {
    const cuesAt = HEAD.length + INFO.length + 2 * CLUSTER.length;
    const f = blob(
      HEAD,
      INFO,
      CLUSTER,
      CLUSTER,
      hex('1c53bb6b 80'),
      hex('bb 8f b3 81 00 b7 8a f7 81 01 f1 82 01 b0 f0 81 03'),
    );
    const r = await safeMatroskaExtent(f);
    expect(r.end).toBe(cuesAt + 5);
    expect(r.warning).toMatch(new RegExp(`damaged from byte ${cuesAt + 5} on \\(17 bytes`));
  });

  it('keeps junk that is followed by another level-1 element (the demuxer resyncs there)', async () => {
    const f = blob(HEAD, INFO, hex('00 00 00 00 42'), CLUSTER);
    expect(await safeMatroskaExtent(f)).toEqual({ end: f.size });
  });

  it('follows clusters of unknown size (live recordings) to the next element', async () => {
    const live = hex('1f43b675 ff e781 00 a3 81 00');
    const f = blob(HEAD, INFO, live, live, CLUSTER);
    expect(await safeMatroskaExtent(f)).toEqual({ end: f.size });
  });
});
