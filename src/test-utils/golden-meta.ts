// Shapes of the goldens' meta.json files (tools/reference/vr2ref/case_goldens.py, slice7b.py,
// q4_format_golden.py). Use as `loadGolden('windows').meta<CaseMeta>()`. Tensor files are listed per kind.
import type { HashTensorSpec } from './hash-weights';

export interface GenerationStep {
  /** Top-8 ids of the repetition-penalized logits, best first (top_ids[0] is the generated token). */
  top_ids: number[];
  top_penalized: number[];
  /** Raw (unpenalized) logits of those ids. */
  top_raw: number[];
  /** Argmax of the raw logits (differs from top_ids[0] where the repetition penalty changed the choice). */
  raw_argmax: number;
}

export interface GenerationMeta {
  config: {
    do_sample: boolean;
    temperature: number;
    top_k: number;
    top_p: number;
    repetition_penalty: number;
    eos_token_id: number[];
  };
  decoding: string;
  max_new_tokens: number;
  tokens: number[];
  /** decode(tokens, skip_special_tokens=True) */
  text: string;
  /** Index of the final decoder layer whose attention rows are recorded. */
  attention_layer: number;
  attn_rows_note: string;
  prompt_len: number;
  steps: GenerationStep[];
  /** Mean of vas_attn over all generated tokens (token selection "all"). */
  run_vas_attn_all: number;
  /** [v0, v1): positions of the <|video_pad|> tokens. */
  video_span: [number, number];
}

export interface NumericsReport {
  min_margin: number;
  penalty_changed_argmax_steps: number[];
  distinct_tokens: number;
  special_tokens_generated: number[];
  vas_min: number;
  vas_max: number;
  vas_mean: number;
  pair_spread_mean: number;
  row_cv_min: number;
  head_mass_gap_max: number;
}

/**
 * kind "case". Files: inputs.safetensors (frames_sampled_rgb U8 [n,H,W,3], frames_resized_rgb U8 [n,h,w,3],
 * pixel_values_videos F32 [T·H·W, 1176], video_grid_thw I32 [1,3], second_per_grid_ts F32 [1], input_ids I32 [L],
 * position_ids I32 [3,L]); vision.safetensors (patch_embed F32 [N,C] raster order, blocks.<i> F32 [N,C] window
 * order, output F32 [M,C] raster order, window_index I32 [M]); text.safetensors (hidden_states.<i> F32 [L,C],
 * logits_last F32 [vocab]); generate.safetensors (tokens I32 [G], attn_rows F32 [G,H,L+G-1], per_head_mass
 * F32 [G,H], vas_attn F32 [G], per_pair_mass F32 [G,T], video_row_mean F32 [G,|V|]).
 */
export interface CaseMeta {
  checkpoint: string;
  dtype: string;
  attn_implementation: 'eager';
  video: {
    file: string;
    sha256: string;
    codec: string;
    width: number;
    height: number;
    encoded_fps: number;
    total_frames: number;
    video_fps: number;
    reader: string;
  };
  /** The qwen-vl-utils video element (without type/video). */
  element: { nframes?: number; fps?: number; min_pixels?: number; max_pixels?: number };
  fps_max_frames: number;
  sampling: {
    nframes: number;
    indices: number[];
    sample_fps: number;
    min_pixels: number;
    max_pixels: number;
    resized_hw: [number, number];
  };
  prompt: { text: string; user_text_item: string; input_ids: number[]; length: number };
  video_grid_thw: [number, number, number];
  /** 2 / sample_fps as the processor computes it (Python float). */
  second_per_grid_ts: number;
  second_per_grid_ts_note: string;
  /** Temporal M-RoPE offset of each temporal patch relative to the first video token. */
  t_positions: number[];
  rope_delta: number;
  vision: {
    window_index: number[];
    cu_window_seqlens: number[];
    cu_seqlens: number[];
    fullatt_block_indexes: number[];
    taps: string;
  };
  text: { hidden_states: string; logits_last: string };
  generation: GenerationMeta;
  numerics: NumericsReport;
}

/** kind "case-q4" / "case-q8" / "case-tied": same inputs as `inputs_from`; files text.safetensors and generate.safetensors. */
export interface VariantMeta {
  inputs_from: string;
  variant: 'q4' | 'q8' | 'tied';
  checkpoint: string;
  q4: { scheme: string; tensors: string } | null;
  text: { logits_last: string };
  generation: GenerationMeta;
  numerics: NumericsReport;
}

/** A hash tensor spec as stored in the slice metas (the seed is the set's). */
export interface SliceTensorSpec {
  name: string;
  shape: number[];
  std: number;
  mean: number;
}

export function sliceSpec(seed: number, t: SliceTensorSpec): HashTensorSpec {
  return { seed, name: t.name, shape: t.shape, std: t.std, mean: t.mean };
}

/** kind "slice"/"slice-q4", slice-7b-decoder(-q4). Files: outputs.safetensors (after_attention, output: F32 [L, 3584]). */
export interface SliceDecoderMeta {
  prng: string;
  seed: number;
  config: Record<string, unknown>;
  weights: SliceTensorSpec[];
  hidden_in: SliceTensorSpec;
  /** [3][L]: t, h, w positions. */
  position_ids: number[][];
  attention_mask: 'causal';
  inputs_from?: string;
  /** q4 variant: the quantize-dequantized weights. */
  q4_tensors?: string[];
}

/**
 * slice-7b-vision. Files: outputs.safetensors (rows I32 [R]; windowed.rows / full.rows F32 [R, 1280] in window
 * order; windowed.row_sum / row_sumsq, full.row_sum / row_sumsq F32 [N]).
 */
export interface SliceVisionMeta {
  prng: string;
  seed: number;
  config: Record<string, unknown>;
  weights: SliceTensorSpec[];
  /** In raster (processor) row order; the block sees it reordered by window_index. */
  hidden_in: SliceTensorSpec & { order: string };
  grid_thw: [number, number, number];
  window_index: number[];
  cu_window_seqlens: number[];
  cu_seqlens: number[];
}

/** q4-format. Files: q4.safetensors (weight F32 [64,256], qweight U32 [64,32], scales_f16 U16 [64,8], scales_packed U32 [256], dequantized F32 [64,256]). */
export interface Q4FormatMeta {
  rows: number;
  cols: number;
  group: number;
  hand_rows: Record<string, string>;
}
