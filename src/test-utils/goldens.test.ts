import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaseMeta, SliceDecoderMeta, SliceVisionMeta, VariantMeta } from './golden-meta';
import { sliceSpec } from './golden-meta';
import { REPO_ROOT, fetchGolden, goldenNames, loadGolden, parseSafetensors } from './goldens';

/** A safetensors file built by hand: header padded to an odd length so tensor data start unaligned. */
function handMade(): Uint8Array {
  const header =
    JSON.stringify({
      __metadata__: { format: 'pt' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'I32', shape: [1, 1], data_offsets: [8, 12] },
      c: { dtype: 'BF16', shape: [3], data_offsets: [12, 18] },
    }) + ' ';
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + 18);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  const data = new DataView(out.buffer, 8 + h.length);
  data.setFloat32(0, 1.5, true);
  data.setFloat32(4, -2, true);
  data.setInt32(8, -7, true);
  [0x3f80, 0xc000, 0x0001].forEach((v, i) => data.setUint16(12 + 2 * i, v, true));
  return out;
}

describe('parseSafetensors', () => {
  it('reads dtypes, shapes and metadata from unaligned offsets', () => {
    const f = parseSafetensors(handMade());
    expect(f.metadata).toEqual({ format: 'pt' });
    expect([...f.tensors.get('a')!.data]).toEqual([1.5, -2]);
    expect(f.tensors.get('b')!.shape).toEqual([1, 1]);
    expect([...f.tensors.get('b')!.data]).toEqual([-7]);
    expect(f.tensors.get('c')!.dtype).toBe('BF16');
    expect([...f.tensors.get('c')!.data]).toEqual([0x3f80, 0xc000, 0x0001]);
  });

  it('rejects truncated files, bad offsets and unknown dtypes', () => {
    const good = handMade();
    expect(() => parseSafetensors(good.subarray(0, 4), 'x')).toThrow(/too short/);
    expect(() => parseSafetensors(good.subarray(0, good.length - 1), 'x')).toThrow(/tensor c/);
    const bad = good.slice();
    const at = new TextDecoder().decode(good.subarray(0, 200)).indexOf('"I32"'); // header bytes are ASCII
    bad.set(new TextEncoder().encode('"Q99"'), at);
    expect(() => parseSafetensors(bad, 'x')).toThrow(/unsupported dtype Q99/);
  });
});

describe('golden sets', () => {
  it('lists every kind', () => {
    expect(goldenNames('case').sort()).toEqual(['demo-prompt', 'odd-nframes', 'synthetic-fps', 'windows']);
    expect(goldenNames('case-q4').sort()).toEqual(['demo-prompt-q4', 'synthetic-fps-q4']);
    expect(goldenNames('checkpoint')).toContain('video-r2-tiny');
    expect(() => loadGolden('nope')).toThrow(/no golden set named nope/);
  });

  it.each(goldenNames('case'))('%s: tensors agree with the metadata and with each other', (name) => {
    const g = loadGolden(name);
    const meta = g.meta<CaseMeta>();
    const [t, h, w] = meta.video_grid_thw;
    const ids = g.i32('inputs.safetensors', 'input_ids');
    expect([...ids.data]).toEqual(meta.prompt.input_ids);
    expect(g.f32('inputs.safetensors', 'pixel_values_videos').shape).toEqual([t * h * w, 1176]);
    expect(g.u8('inputs.safetensors', 'frames_sampled_rgb').shape[0]).toBe(meta.sampling.nframes);
    expect(g.u8('inputs.safetensors', 'frames_resized_rgb').shape).toEqual([
      meta.sampling.nframes,
      ...meta.sampling.resized_hw,
      3,
    ]);
    expect(g.f32('vision.safetensors', 'output').shape[0]).toBe((t * h * w) / 4);
    expect(() => g.i32('vision.safetensors', 'output')).toThrow(/is F32, not I32/);

    // position ids: temporal offsets of the video's temporal patches, and the rope delta.
    const pos = g.i32('inputs.safetensors', 'position_ids');
    const L = meta.prompt.length;
    const [v0, v1] = meta.generation.video_span;
    const perT = (h * w) / 4;
    expect(meta.t_positions.map((_, k) => pos.data[v0 + k * perT]! - pos.data[v0]!)).toEqual(meta.t_positions);
    expect(Math.max(...pos.data) + 1 - L).toBe(meta.rope_delta);

    // attention statistics are sums of the recorded rows (docs/attention.md §3).
    const rows = g.f32('generate.safetensors', 'attn_rows');
    const [G, H, W] = rows.shape as [number, number, number];
    const vas = g.f32('generate.safetensors', 'vas_attn').data;
    const heads = g.f32('generate.safetensors', 'per_head_mass').data;
    const pairs = g.f32('generate.safetensors', 'per_pair_mass').data;
    for (let s = 0; s < G; s++) {
      let vasSum = 0;
      for (let hd = 0; hd < H; hd++) {
        const row = rows.data.subarray((s * H + hd) * W, (s * H + hd + 1) * W);
        expect(row.slice(0, L + s).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(
          row.slice(L + s).findIndex((x) => x !== 0),
          'first index where it fails',
        ).toBe(-1);
        const mass = row.slice(v0, v1).reduce((a, b) => a + b, 0);
        expect(heads[s * H + hd]).toBeCloseTo(mass, 5);
        vasSum += mass / H;
      }
      expect(vas[s]).toBeCloseTo(vasSum, 5);
      expect(pairs.slice(s * t, (s + 1) * t).reduce((a, b) => a + b, 0)).toBeCloseTo(vas[s]!, 5);
    }
    expect([...g.i32('generate.safetensors', 'tokens').data]).toEqual(meta.generation.tokens);
    expect(g.f32('text.safetensors', 'logits_last').shape).toEqual([151936]);
  });

  it('variants point at their inputs and carry their own continuation', () => {
    const q4 = loadGolden('synthetic-fps-q4');
    const meta = q4.meta<VariantMeta>();
    expect(meta.inputs_from).toBe('synthetic-fps');
    expect(meta.variant).toBe('q4');
    expect(q4.i32('generate.safetensors', 'tokens').data.length).toBe(meta.generation.max_new_tokens);
    const tied = loadGolden('odd-nframes-tied').meta<VariantMeta>();
    expect(tied.checkpoint).toBe('tools/reference/fixtures/checkpoints/tied-sharded');
    expect(() => loadGolden('odd-nframes-tied').bytes('inputs.safetensors')).toThrow(/has no file/);
  });

  it('slice metas describe hash-generated 7B tensors', () => {
    const dec = loadGolden('slice-7b-decoder').meta<SliceDecoderMeta>();
    const q = dec.weights.find((w) => w.name === 'model.layers.0.self_attn.q_proj.weight')!;
    expect(sliceSpec(dec.seed, q)).toEqual({
      seed: 7,
      name: q.name,
      shape: [3584, 3584],
      std: 1 / Math.sqrt(3584),
      mean: 0,
    });
    expect(loadGolden('slice-7b-decoder').f32('outputs.safetensors', 'output').shape).toEqual([
      dec.position_ids[0]!.length,
      3584,
    ]);
    const vis = loadGolden('slice-7b-vision').meta<SliceVisionMeta>();
    expect(vis.cu_seqlens).toEqual([0, 528, 1056]);
    expect(vis.cu_window_seqlens.at(-1)).toBe(1056);
  });
});

describe('fetchGolden', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('loads a set over HTTP with the same API', async () => {
    const served: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      served.push(url);
      const body = readFileSync(join(REPO_ROOT, url.replace(/^\/base\//, '')));
      return Promise.resolve(new Response(body));
    });
    const g = await fetchGolden('q4-format', '/base/');
    expect(g.u32('q4.safetensors', 'qweight').shape).toEqual([64, 32]);
    expect(served).toContain('/base/tools/reference/fixtures/goldens/q4-format/meta.json');
  });

  it('reports HTTP errors with the URL', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('', { status: 404 })));
    await expect(fetchGolden('q4-format')).rejects.toThrow(/fixtures\/index.json: HTTP 404/);
  });
});
