// config.json's `vision_config`. Shape-defining fields are required (HF's class defaults describe no real
// checkpoint: its default hidden_size is 3584, not 1280); behavioural fields fall back to HF's defaults.
import type { ConfigReader } from './config-reader';
import type { VisionSpec } from './model-spec';

/** HF Qwen2_5_VLVisionConfig defaults for fields a checkpoint may omit. */
const HF_VISION_DEFAULTS = {
  patchSize: 14,
  temporalPatchSize: 2,
  spatialMergeSize: 2,
  inChannels: 3,
  windowSize: 112,
  fullAttentionBlocks: [7, 15, 23, 31],
  tokensPerSecond: 4,
} as const;

export function parseVisionSpec(v: ConfigReader, textHidden: number): VisionSpec {
  const depth = v.int('depth');
  const hiddenSize = v.int('hidden_size');
  const numHeads = v.int('num_heads');
  const intermediateSize = v.int('intermediate_size');
  const outHiddenSize = v.int('out_hidden_size');
  if (hiddenSize % numHeads !== 0)
    v.fail(`vision_config.hidden_size ${hiddenSize} is not num_heads ${numHeads} × head_dim (not divisible)`);
  const headDim = hiddenSize / numHeads;
  // 2-D rotary: head_dim/2 rotary lanes split evenly between the h and w axes, each in rotate_half pairs.
  if (headDim % 4 !== 0)
    v.fail(
      `vision_config head_dim ${headDim} (hidden_size / num_heads) must be a multiple of 4 for the 2-D rotary embedding`,
    );
  if (outHiddenSize !== textHidden) {
    v.fail(
      `vision_config.out_hidden_size ${outHiddenSize} must equal the text hidden_size ${textHidden} (merger output rows replace token embeddings)`,
    );
  }

  // Older configs spell these in_chans / spatial_patch_size; newer ones in_channels / patch_size.
  const inChannels = v.has('in_channels')
    ? v.int('in_channels')
    : v.int('in_chans', { default: HF_VISION_DEFAULTS.inChannels });
  const patchSize = v.has('patch_size')
    ? v.int('patch_size')
    : v.int('spatial_patch_size', { default: HF_VISION_DEFAULTS.patchSize });
  if (v.has('spatial_patch_size') && v.int('spatial_patch_size') !== patchSize) {
    v.fail(`vision_config.spatial_patch_size ${v.int('spatial_patch_size')} disagrees with patch_size ${patchSize}`);
  }
  const temporalPatchSize = v.int('temporal_patch_size', { default: HF_VISION_DEFAULTS.temporalPatchSize });
  const spatialMergeSize = v.int('spatial_merge_size', { default: HF_VISION_DEFAULTS.spatialMergeSize });
  const windowSizePx = v.int('window_size', { default: HF_VISION_DEFAULTS.windowSize });
  // Floor division, exactly as HF's get_window_index computes vit_merger_window_size.
  const windowMergedTokens = Math.floor(Math.floor(windowSizePx / spatialMergeSize) / patchSize);
  if (windowMergedTokens < 1) {
    v.fail(
      `vision_config.window_size ${windowSizePx} px is smaller than one merged token (${patchSize * spatialMergeSize} px)`,
    );
  }
  const fullAttentionBlocks = v.intArray('fullatt_block_indexes', { default: HF_VISION_DEFAULTS.fullAttentionBlocks });
  const seen = new Set<number>();
  for (const b of fullAttentionBlocks) {
    if (b >= depth) v.fail(`vision_config.fullatt_block_indexes has block ${b}, but depth is ${depth}`);
    if (seen.has(b)) v.fail(`vision_config.fullatt_block_indexes lists block ${b} twice`);
    seen.add(b);
  }
  const act = v.str('hidden_act', 'silu');
  if (act !== 'silu') v.fail(`vision_config.hidden_act "${act}" is not supported (Qwen2.5-VL uses silu)`);

  const mergeUnit = spatialMergeSize * spatialMergeSize;
  return {
    depth,
    hiddenSize,
    numHeads,
    headDim,
    intermediateSize,
    inChannels,
    patchSize,
    temporalPatchSize,
    spatialMergeSize,
    mergeUnit,
    patchDim: inChannels * temporalPatchSize * patchSize * patchSize,
    mergerHidden: hiddenSize * mergeUnit,
    windowSizePx,
    windowMergedTokens,
    fullAttentionBlocks: [...fullAttentionBlocks].sort((a, b) => a - b),
    outHiddenSize,
    tokensPerSecond: v.num('tokens_per_second', { default: HF_VISION_DEFAULTS.tokensPerSecond, positive: true }),
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
  };
}
