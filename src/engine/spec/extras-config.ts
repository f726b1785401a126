// generation_config.json and preprocessor_config.json. Both are optional files: when absent we use the values
// transformers itself would use (GenerationConfig and Qwen2VLImageProcessor defaults of 4.51).
import type { ConfigReader } from './config-reader';
import type { GenerationDefaults, PreprocessorSpec, VisionSpec } from './model-spec';

const OPENAI_CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const OPENAI_CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

export function parseGeneration(g: ConfigReader | null): GenerationDefaults {
  if (!g) return { doSample: false, temperature: 1, topK: 50, topP: 1, repetitionPenalty: 1, source: 'defaults' };
  const topP = g.num('top_p', { default: 1, positive: true });
  if (topP > 1) g.fail(`top_p ${topP} must be in (0, 1]`);
  return {
    doSample: g.bool('do_sample', false),
    temperature: g.num('temperature', { default: 1, positive: true }),
    topK: g.int('top_k', { default: 50, min: 0 }),
    topP,
    repetitionPenalty: g.num('repetition_penalty', { default: 1, positive: true }),
    source: 'generation_config.json',
  };
}

function triple(r: ConfigReader, key: string, def: [number, number, number]): [number, number, number] {
  const v = r.numArray(key, def);
  if (v.length !== 3) r.fail(`${key} ${JSON.stringify(v)} must have 3 entries (R, G, B)`);
  return [v[0]!, v[1]!, v[2]!];
}

export function parsePreprocessor(p: ConfigReader | null, vision: VisionSpec): PreprocessorSpec {
  if (!p) {
    return {
      imageMean: OPENAI_CLIP_MEAN,
      imageStd: OPENAI_CLIP_STD,
      rescaleFactor: 1 / 255,
      minPixels: 56 * 56,
      maxPixels: 28 * 28 * 1280,
      patchSize: vision.patchSize,
      temporalPatchSize: vision.temporalPatchSize,
      mergeSize: vision.spatialMergeSize,
      source: 'defaults',
    };
  }
  for (const flag of ['do_resize', 'do_rescale', 'do_normalize', 'do_convert_rgb']) {
    if (!p.bool(flag, true))
      p.fail(
        `${flag} is false; only the standard Qwen2.5-VL preprocessing (resize, rescale, normalize, RGB) is supported`,
      );
  }
  const imageStd = triple(p, 'image_std', OPENAI_CLIP_STD);
  if (imageStd.some((s) => !(s > 0))) p.fail(`image_std ${JSON.stringify(imageStd)} must be positive`);
  // transformers 4.51 ignores `size` here (its constructor replaces it with the defaults) and reads only
  // min_pixels / max_pixels, so we do the same.
  const minPixels = p.int('min_pixels', { default: 56 * 56 });
  const maxPixels = p.int('max_pixels', { default: 28 * 28 * 1280 });
  if (minPixels > maxPixels) p.fail(`min_pixels ${minPixels} exceeds max_pixels ${maxPixels}`);
  const patchSize = p.int('patch_size', { default: 14 });
  const temporalPatchSize = p.int('temporal_patch_size', { default: 2 });
  const mergeSize = p.int('merge_size', { default: 2 });
  const pairs: [string, number, number][] = [
    ['patch_size', patchSize, vision.patchSize],
    ['temporal_patch_size', temporalPatchSize, vision.temporalPatchSize],
    ['merge_size', mergeSize, vision.spatialMergeSize],
  ];
  for (const [key, mine, cfg] of pairs) {
    if (mine !== cfg) p.fail(`${key} ${mine} disagrees with config.json's vision_config (${cfg})`);
  }
  return {
    imageMean: triple(p, 'image_mean', OPENAI_CLIP_MEAN),
    imageStd,
    rescaleFactor: p.num('rescale_factor', { default: 1 / 255, positive: true }),
    minPixels,
    maxPixels,
    patchSize,
    temporalPatchSize,
    mergeSize,
    source: 'preprocessor_config.json',
  };
}
