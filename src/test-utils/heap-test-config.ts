// The 7B-shaped checkpoints of the load-path heap test, from Qwen2.5-VL-7B's config.json. `full`: 2 decoder layers
// at full width with the real 152,064 × 3,584 embed_tokens and lm_head, 1 full-width vision block (3.24 GB of
// bf16; ≈3.5 min on SwiftShader, run with VR2_HEAP_TEST=full). `ci`: the real 152,064-row vocabulary (the
// token ids need it) with hidden size narrowed to 1,024 (8 heads of 128, 4 KV heads), 1 decoder layer with the
// full 18,944-wide MLP, tied embeddings, 1 full-width vision block: its embed_tokens (311 MB of bf16, over 256 MiB)
// would break the bound if the loader ever held a whole tensor.
import config7b from '../engine/spec/fixtures/qwen2_5_vl_7b/config.json';

const oneVisionBlock = { ...config7b.vision_config, depth: 1, fullatt_block_indexes: [0] };

export const HEAP_TEST_CONFIGS: Record<'full' | 'ci', Record<string, unknown>> = {
  full: { ...config7b, num_hidden_layers: 2, vision_config: oneVisionBlock },
  ci: {
    ...config7b,
    hidden_size: 1024,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    num_hidden_layers: 1,
    tie_word_embeddings: true,
    vision_config: { ...oneVisionBlock, out_hidden_size: 1024 },
  },
};
