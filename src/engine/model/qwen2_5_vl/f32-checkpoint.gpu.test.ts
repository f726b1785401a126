// A float32 checkpoint (some fine-tunes are saved that way) loads in 16-bit mode: its 16-bit matrices are
// rounded to bf16 as transformers rounds on a bfloat16 load. Here the tiny bf16 checkpoint is widened to F32
// (exactly), so the F32 load must give bit-identical GPU weights and therefore identical tokens.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test-utils/gpu';
import { loadGolden, parseSafetensors } from '../../../test-utils/goldens';
import { checkpointSource } from '../../../test-utils/parity';
import { uploadTensor } from '../../gpu/tensor';
import { openCheckpoint } from '../../weights/checkpoint';
import { writeSafetensors } from '../../../test-utils/safetensors-write';
import { BytesSource } from '../../weights/source';
import { Qwen25VL } from './model';
import { CACHED_FILES } from '../../weights/model-files';

async function f32Copy(): Promise<BytesSource> {
  const src = checkpointSource('video-r2-tiny');
  const files: Record<string, Uint8Array | string> = {};
  for (const name of CACHED_FILES) {
    const text = await src.readTextOptional(name);
    if (text !== null) files[name] = text;
  }
  const size = (await src.knownSize('model.safetensors'))!;
  const st = parseSafetensors(await src.readRange('model.safetensors', 0, size));
  files['model.safetensors'] = writeSafetensors(
    [...st.tensors.values()].map((t) => {
      expect(t.dtype).toBe('BF16');
      const u32 = Uint32Array.from(t.data as Uint16Array, (b) => b << 16);
      return { name: t.name, dtype: 'F32' as const, shape: t.shape, data: new Uint8Array(u32.buffer) };
    }),
  );
  return new BytesSource(files, 'tiny checkpoint widened to F32');
}

describe('an F32 checkpoint in 16-bit mode', () => {
  it('loads to the same tokens as its bf16 original (vision and text matrices rounded to bf16, norms kept f32)', async () => {
    const ctx = await testGpu();
    const golden = loadGolden('windows');
    const meta = golden.meta<{ video_grid_thw: [number, number, number]; second_per_grid_ts: number }>();
    const [t, h, w] = meta.video_grid_thw;
    const px = golden.f32('inputs.safetensors', 'pixel_values_videos');
    const ids = Int32Array.from(golden.i32('inputs.safetensors', 'input_ids').data);
    const run = async (source: BytesSource) => {
      const ckpt = await openCheckpoint(source);
      const { model } = await Qwen25VL.load(ctx, ckpt, { quantize: false });
      const pixels = uploadTensor(ctx, 'pixels', 'f32', px.shape, px.data);
      const features = await model.encodeVideo({ t, h, w }, [
        { tensor: pixels, firstRow: 0, firstTemporal: 0, temporalCount: t },
      ]);
      const v0 = ids.indexOf(model.spec.tokens.videoPad);
      const out = await model.generate(
        {
          ids,
          video: {
            span: [v0, v0 + (t * h * w) / 4],
            grid: { t, h, w },
            secondPerGridT: meta.second_per_grid_ts,
            features,
          },
          sampler: { mode: 'greedy', repetitionPenalty: 1.05, temperature: 1, topK: 0, topP: 1, seed: 0, stopIds: [] },
          maxNewTokens: 4,
          kvDtype: 'f32',
          tap: false,
          captureFirstLogits: true,
        },
        { isCancelled: () => false, onStep: () => undefined },
      );
      features.buffer.destroy();
      pixels.buffer.destroy();
      model.destroy();
      return { dtypes: new Set([...ckpt.tensors.values()].map((x) => x.dtype)), out };
    };
    const bf16 = await run(checkpointSource('video-r2-tiny'));
    const f32 = await run(await f32Copy());
    expect([...f32.dtypes]).toEqual(['F32']);
    expect(f32.out.tokens).toEqual(bf16.out.tokens);
    expect(Array.from(f32.out.firstLogits!)).toEqual(Array.from(bf16.out.firstLogits!));
    expect(ctx.errors).toEqual([]);
  });
});
