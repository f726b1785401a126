// Small configs for tests of spec/ and weights/ (shapes chosen to be tiny but not degenerate: GQA group 2,
// uneven M-RoPE sections, one full-attention block). Not used by the app.

export function tinyConfig(over: { tie?: boolean; vocab?: number } = {}): Record<string, unknown> {
  return {
    architectures: ['Qwen2_5_VLForConditionalGeneration'],
    model_type: 'qwen2_5_vl',
    hidden_size: 64,
    intermediate_size: 96,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: over.vocab ?? 160,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000.0,
    max_position_embeddings: 4096,
    tie_word_embeddings: over.tie ?? false,
    hidden_act: 'silu',
    use_sliding_window: false,
    bos_token_id: 100,
    eos_token_id: 101,
    vision_start_token_id: 102,
    vision_end_token_id: 103,
    vision_token_id: 104,
    image_token_id: 105,
    video_token_id: 106,
    rope_scaling: { type: 'mrope', mrope_section: [2, 3, 3] },
    vision_config: {
      depth: 2,
      hidden_size: 32,
      intermediate_size: 48,
      num_heads: 2,
      in_chans: 3,
      out_hidden_size: 64,
      patch_size: 14,
      spatial_merge_size: 2,
      temporal_patch_size: 2,
      window_size: 112,
      fullatt_block_indexes: [1],
      tokens_per_second: 2,
      hidden_act: 'silu',
    },
  };
}

const TEXT_KEYS = [
  'hidden_size',
  'intermediate_size',
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'vocab_size',
  'rms_norm_eps',
  'rope_theta',
  'max_position_embeddings',
  'tie_word_embeddings',
  'hidden_act',
  'use_sliding_window',
  'rope_scaling',
  'sliding_window',
  'max_window_layers',
  'attention_dropout',
  'bos_token_id',
  'eos_token_id',
];

/** The transformers ≥ 4.52 layout of a flat config: text fields moved into text_config (token ids nulled there). */
export function nestedLayout(flat: Record<string, unknown>): Record<string, unknown> {
  const c: Record<string, unknown> = JSON.parse(JSON.stringify(flat)) as Record<string, unknown>;
  const text: Record<string, unknown> = { model_type: 'qwen2_5_vl_text', video_token_id: null, image_token_id: null };
  for (const k of TEXT_KEYS) {
    if (k in c) {
      text[k] = c[k];
      if (k !== 'tie_word_embeddings' && k !== 'vocab_size') delete c[k];
    }
  }
  c.text_config = text;
  return c;
}
