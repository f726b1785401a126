import { describe, expect, it } from 'vitest';
import config7b from './fixtures/qwen2_5_vl_7b/config.json';
import { parseModelSpec } from './parse-config';
import { checkpointTensors, outputProjectionName } from './tensors';
import { tinyConfig } from '../../test-utils/test-configs';

const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

describe('checkpointTensors', () => {
  const spec = parseModelSpec({ config: config7b as Record<string, unknown> });
  const list = checkpointTensors(spec);
  const sum = (pred: (name: string) => boolean): number =>
    list.filter((t) => pred(t.name)).reduce((a, t) => a + numel(t.shape), 0);

  it('matches the 7B parameter counts of docs/model.md §6.2', () => {
    expect(sum(() => true)).toBe(8_292_166_656);
    expect(sum((n) => n.startsWith('visual.'))).toBe(676_550_144);
    expect(sum((n) => n.startsWith('visual.blocks.0.'))).toBe(19_702_200);
    expect(sum((n) => n.startsWith('visual.merger.'))).toBe(44_574_464);
    expect(sum((n) => n.startsWith('model.layers.0.'))).toBe(233_057_792);
    expect(sum((n) => n === 'model.embed_tokens.weight')).toBe(544_997_376);
    expect(list.length).toBe(1 + 32 * 12 + 5 + 1 + 28 * 12 + 1 + 1);
  });

  it('has the docs/model.md §6.1 names and shapes', () => {
    const byName = new Map(list.map((t) => [t.name, t]));
    expect(byName.get('visual.patch_embed.proj.weight')?.shape).toEqual([1280, 3, 2, 14, 14]);
    expect(byName.get('visual.blocks.31.attn.qkv.weight')?.shape).toEqual([3840, 1280]);
    expect(byName.get('visual.merger.mlp.0.weight')?.shape).toEqual([5120, 5120]);
    expect(byName.get('visual.merger.mlp.2.weight')?.shape).toEqual([3584, 5120]);
    expect(byName.get('model.layers.27.self_attn.k_proj.weight')).toEqual({
      name: 'model.layers.27.self_attn.k_proj.weight',
      shape: [512, 3584],
      storage: 'q4',
      tower: 'text',
    });
    expect(byName.get('model.layers.27.self_attn.k_proj.bias')?.storage).toBe('dense');
    expect([...byName.keys()]).not.toContain('model.layers.0.self_attn.o_proj.bias');
    expect(byName.get('model.layers.0.mlp.down_proj.weight')?.shape).toEqual([3584, 18944]);
    expect(byName.get('lm_head.weight')?.storage).toBe('q4');
    // Only text linears, embed_tokens and lm_head are q4; everything in the vision tower stays dense.
    expect(list.filter((t) => t.storage === 'q4').length).toBe(28 * 7 + 2);
    expect(
      list.filter((t) => t.tower === 'vision').findIndex((t) => !(t.storage === 'dense')),
      'first index where it fails',
    ).toBe(-1);
    expect(outputProjectionName(spec)).toBe('lm_head.weight');
  });

  it('omits lm_head for tied embeddings', () => {
    const tied = parseModelSpec({ config: tinyConfig({ tie: true }) });
    expect(
      checkpointTensors(tied).findIndex((t) => t.name === 'lm_head.weight'),
      'first index that matches',
    ).toBe(-1);
    expect(outputProjectionName(tied)).toBe('model.embed_tokens.weight');
  });
});

describe('checkpointTensors against transformers 4.51.1', () => {
  it('lists exactly the state_dict names and shapes of Qwen2_5_VLForConditionalGeneration (untied and tied)', async () => {
    for (const [tie, file] of [
      [false, (await import('./fixtures/tiny-transformers-4.51.1/state_dict_shapes.json')).default],
      [true, (await import('./fixtures/tiny-transformers-4.51.1/state_dict_shapes_tied.json')).default],
    ] as const) {
      const ours = Object.fromEntries(
        checkpointTensors(parseModelSpec({ config: tinyConfig({ tie }) })).map((t) => [t.name, t.shape]),
      );
      expect(ours).toEqual(file);
    }
  });
});
