import { describe, expect, it } from 'vitest';
import { findTimeCitations, TimeCitationStream } from './timestamps';

const secs = (t: string) => findTimeCitations(t).map((c) => [c.startSec, c.endSec, c.text]);

describe('findTimeCitations', () => {
  it('finds MM:SS, HH:MM:SS and decimals', () => {
    expect(secs('At 00:05 the ball moves; by 1:02:03 it stops; at 0:07.5 it turns')).toEqual([
      [5, 5, '00:05'],
      [3723, 3723, '1:02:03'],
      [7.5, 7.5, '0:07.5'],
    ]);
  });
  it('finds ranges with every separator the reward accepts', () => {
    expect(secs('00:04-00:08, 00:10 – 00:12, 00:13—00:14, 00:20 to 00:25')).toEqual([
      [4, 8, '00:04-00:08'],
      [10, 12, '00:10 – 00:12'],
      [13, 14, '00:13—00:14'],
      [20, 25, '00:20 to 00:25'],
    ]);
  });
  it('finds plain seconds mentions', () => {
    expect(secs('around the 16-second mark, then 3.5s later, at 20 seconds')).toEqual([
      [16, 16, '16-second'],
      [3.5, 3.5, '3.5s'],
      [20, 20, '20 seconds'],
    ]);
  });
  it('ignores things that are not times', () => {
    expect(secs('ratio 16:9 or 4:3? version 1.2.3, 12:75, option C, 10:30:99')).toEqual([]);
    expect(secs('There are 3 squares')).toEqual([]);
    expect(secs('the game starts at 5:30pm, the bus at 10:15 a.m.')).toEqual([]);
  });
  it('orders a backwards range and marks ranges', () => {
    const [c] = findTimeCitations('from 00:09 to 00:03');
    expect([c!.startSec, c!.endSec, c!.isRange]).toEqual([3, 9, true]);
    expect(findTimeCitations('at 00:03')[0]!.isRange, 'a single time is not a range').toBe(false);
  });
  it('ranges mix MM:SS and HH:MM:SS, and are case-insensitive about "to"', () => {
    expect(secs('00:59:58 TO 01:00:02')).toEqual([[3598, 3602, '00:59:58 TO 01:00:02']]);
    expect(secs('59:58-1:00:02')).toEqual([[3598, 3602, '59:58-1:00:02']]);
  });
});

describe('findTimeCitations on streamed (partial) text', () => {
  const partial = (t: string) => findTimeCitations(t, { partial: true }).map((c) => [c.startSec, c.endSec, c.text]);
  it('withholds a time that the next token could still change', () => {
    expect(partial('at 1:02')).toEqual([]); // could become 1:02:03
    expect(partial('at 1:02:')).toEqual([]);
    expect(partial('at 00:07')).toEqual([]); // could become 00:07.5
    expect(partial('at 00:07.')).toEqual([]);
    expect(partial('from 00:04 ')).toEqual([]); // could become a range
    expect(partial('from 00:04 t')).toEqual([]);
    expect(partial('from 00:04 to 00:0')).toEqual([]);
    expect(partial('from 00:04 to 00:08')).toEqual([]);
    expect(partial('from 00:04-')).toEqual([]);
    expect(partial('after 12 s')).toEqual([]); // could become "12 squares"
    expect(partial('after 12 sec')).toEqual([]); // could become "12 seconds"
    expect(partial('at 5:30 p')).toEqual([]); // could become "5:30 pm", a time of day
  });
  it('reports it once the following text rules out every continuation', () => {
    expect(partial('at 1:02, the')).toEqual([[62, 62, '1:02']]);
    expect(partial('at 1:02:03 ')).toEqual([]);
    expect(partial('at 1:02:03 we')).toEqual([[3723, 3723, '1:02:03']]);
    expect(partial('at 00:07. Then')).toEqual([[7, 7, '00:07']]);
    expect(partial('from 00:04 to 00:08, a')).toEqual([[4, 8, '00:04 to 00:08']]);
    expect(partial('from 00:04 the')).toEqual([[4, 4, '00:04']]);
    expect(partial('after 12 s.')).toEqual([[12, 12, '12 s']]);
    expect(partial('after 12 squares.')).toEqual([]);
    expect(partial('at 5:30 people')).toEqual([[330, 330, '5:30']]);
  });
  it('never shows a wrong value at any cut of a stream (token by token, char by char)', () => {
    const full =
      'At 0:59 it starts, 1:02:03 it ends; from 00:04 to 00:08.5 and 3.5s later, 12 squares, 16-second mark.';
    const final = findTimeCitations(full);
    for (let cut = 0; cut <= full.length; cut++) {
      const got = findTimeCitations(full.slice(0, cut), { partial: true });
      // Every citation shown early is exactly one of the final ones.
      for (const c of got) expect(final, `cut at ${cut}: "${c.text}" is not a final citation`).toContainEqual(c);
    }
    expect(final.map((c) => c.text)).toEqual(['0:59', '1:02:03', '00:04 to 00:08.5', '3.5s', '16-second']);
  });
});

describe('TimeCitationStream', () => {
  it('gives the same citations as a full scan, incrementally, and the tail when final', () => {
    const full = 'At 00:01 a; 00:02-00:03 b; at 1:00:00';
    const s = new TimeCitationStream();
    let last: readonly unknown[] = [];
    for (let cut = 1; cut <= full.length; cut++) last = s.update(full.slice(0, cut));
    expect(last.length).toBe(2); // the last one is still open
    expect(s.update(full, true)).toEqual(findTimeCitations(full));
  });
  it('restarts when the text is not a continuation (a new run)', () => {
    const s = new TimeCitationStream();
    s.update('at 00:05, x');
    expect(s.update('at 00:09, y')).toEqual(findTimeCitations('at 00:09, y'));
  });
});
