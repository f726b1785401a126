import { describe, expect, it } from 'vitest';
import { TransferMeter } from './transfer-stats';

describe('TransferMeter', () => {
  it('counts bytes per file and overall, resumed bytes as done, speed over the window and the time left', () => {
    let now = 0;
    const m = new TransferMeter(
      new Map([
        ['a.safetensors', 1000],
        ['b.safetensors', 3000],
      ]),
      () => now,
    );
    m.resumedBytes('a.safetensors', 1000);
    expect(m.stats().bytesPerSecond, 'no speed before any download').toBeNull();
    m.downloadedBytes('b.safetensors', 100);
    now = 1000;
    m.downloadedBytes('b.safetensors', 500);
    const s = m.stats();
    expect(s).toMatchObject({ done: 1600, total: 4000, resumed: 1000, bytesPerSecond: 500, etaSeconds: 4.8 });
    expect(s.files).toEqual([
      { file: 'a.safetensors', done: 1000, total: 1000, resumed: 1000 },
      { file: 'b.safetensors', done: 600, total: 3000, resumed: 0 },
    ]);
    // No bytes for a while: the speed falls with the clock and the time left grows (no frozen ETA).
    now = 5000;
    expect(m.stats().bytesPerSecond).toBe(100);
  });
});
