import { describe, expect, it } from 'vitest';
import { findTimeCitations } from './timestamps';

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
  });
});
