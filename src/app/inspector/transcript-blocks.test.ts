import { describe, expect, it } from 'vitest';
import { BLOCK_RULES, extendBlocks } from './transcript-blocks';

/** Token starts of `pieces` joined. */
function layout(pieces: string[]) {
  const starts: number[] = [];
  let text = '';
  for (const p of pieces) {
    starts.push(text.length);
    text += p;
  }
  return { text, starts };
}

describe('extendBlocks', () => {
  const pieces = Array.from({ length: 1200 }, (_, t) =>
    t === 60 ? '\n' : t === 100 ? '\n' : t % 17 === 16 ? '.' : t >= 700 ? ' x' : ' w',
  );
  // Only '.' every 17 tokens up to 700, then none: line ends count after BLOCK_RULES.line tokens, sentence ends
  // after BLOCK_RULES.sentence, else the cap.
  const { text, starts } = layout(pieces.map((p, t) => (t >= 700 && p === '.' ? ' y' : p)));

  it('breaks after line ends, long sentences and at the cap; streaming gives the same blocks as one pass', () => {
    const whole: number[] = [];
    extendBlocks(text, starts, pieces.length, whole, 0);
    const want = [0, 61];
    // Next: the first sentence end at least 160 tokens after 61 → token 237 (237 % 17 === 16), block starts at 238.
    let at = 61;
    for (;;) {
      let t = at + BLOCK_RULES.sentence - 1;
      while (t < 700 && t % 17 !== 16) t++;
      if (t >= 700) break;
      want.push(t + 1);
      at = t + 1;
    }
    for (let s = at + BLOCK_RULES.cap; s <= pieces.length; s += BLOCK_RULES.cap) want.push(s);
    expect(whole, 'block starts').toEqual(want);
    // The '\n' at 100 is only 40 tokens into its block: no break there.
    expect(whole.includes(101), 'a line end early in a block does not break it').toBe(false);
    const streamed: number[] = [];
    let seen = 0;
    for (let n = 1; n <= pieces.length; n += 7) {
      const cut = layout(pieces.slice(0, n).map((p, t) => (t >= 700 && p === '.' ? ' y' : p)));
      seen = extendBlocks(cut.text, cut.starts, n, streamed, seen);
    }
    extendBlocks(text, starts, pieces.length, streamed, seen);
    expect(streamed, 'blocks found while streaming').toEqual(whole);
  });
});
