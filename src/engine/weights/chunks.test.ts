import { describe, expect, it } from 'vitest';
import { planRowChunks, rowLayout } from './chunks';
import { canonicalTensorName, storedTensorName } from './names';

describe('planRowChunks', () => {
  it('covers every row once, in order, within the byte bound and 4-byte aligned', () => {
    for (const [rows, rowBytes, max] of [
      [152064, 3584 * 2, 32 << 20],
      [1001, 6, 64],
      [7, 2, 4],
      [5, 2, 7],
      [3, 12, 1000],
      [18944, 1, 4096],
    ] as const) {
      const plan = planRowChunks({ rows, rowBytes }, max);
      let next = 0;
      for (const [i, c] of plan.entries()) {
        expect(c.rowStart).toBe(next);
        expect(c.byteOffset).toBe(c.rowStart * rowBytes);
        expect(c.byteLength).toBe(c.rows * rowBytes);
        expect(c.byteLength).toBeLessThanOrEqual(max);
        if (i < plan.length - 1) expect(c.byteLength % 4).toBe(0);
        next += c.rows;
      }
      expect(next).toBe(rows);
    }
  });

  it('uses as many rows per chunk as fit (2-byte rows go in even counts)', () => {
    expect(planRowChunks({ rows: 10, rowBytes: 8 }, 24).map((c) => c.rows)).toEqual([3, 3, 3, 1]);
    expect(planRowChunks({ rows: 5, rowBytes: 2 }, 7).map((c) => c.rows)).toEqual([2, 2, 1]);
    expect(planRowChunks({ rows: 3, rowBytes: 2 }, 6).map((c) => c.rows)).toEqual([3]);
  });

  it('errors when a row cannot fit', () => {
    expect(() => planRowChunks({ rows: 4, rowBytes: 100 }, 64, 'visual.x')).toThrow(
      /visual\.x: a row of 100 bytes does not fit maxChunkBytes 64/,
    );
    expect(() => planRowChunks({ rows: 4, rowBytes: 6 }, 8)).toThrow(/2 rows of 6 bytes \(4-byte alignment\)/);
    expect(planRowChunks({ rows: 0, rowBytes: 4 }, 64)).toEqual([]);
  });

  it('views tensors as rows', () => {
    expect(rowLayout([1280, 3, 2, 14, 14], 2)).toEqual({ rows: 1280, rowBytes: 1176 * 2 });
    expect(rowLayout([3584], 2)).toEqual({ rows: 3584, rowBytes: 2 });
    expect(rowLayout([], 4)).toEqual({ rows: 1, rowBytes: 4 });
  });
});

describe('canonical tensor names', () => {
  it.each([
    ['visual.blocks.0.attn.qkv.weight', 'visual.blocks.0.attn.qkv.weight', 'legacy'],
    ['model.visual.blocks.0.attn.qkv.weight', 'visual.blocks.0.attn.qkv.weight', 'nested'],
    ['model.layers.3.mlp.up_proj.weight', 'model.layers.3.mlp.up_proj.weight', 'legacy'],
    ['model.language_model.layers.3.mlp.up_proj.weight', 'model.layers.3.mlp.up_proj.weight', 'nested'],
    ['model.language_model.embed_tokens.weight', 'model.embed_tokens.weight', 'nested'],
    ['model.language_model.norm.weight', 'model.norm.weight', 'nested'],
    ['lm_head.weight', 'lm_head.weight', null],
  ])('%s → %s', (stored, canonical, layout) => {
    expect(canonicalTensorName(stored)).toEqual({ canonical, layout });
    if (layout) expect(storedTensorName(canonical, layout as 'legacy' | 'nested')).toBe(stored);
  });
});
