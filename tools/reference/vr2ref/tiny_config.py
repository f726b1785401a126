"""The tiny Qwen2.5-VL architecture (toy widths, real structure) and its JSON files.

Every dimension that the app quantizes to q4 (text linear inputs: hidden 32, intermediate 64, heads*head_dim 32) is a
multiple of 32. head_dim is 16 for text and vision; mrope_section [2, 3, 3] sums to head_dim / 2 like [16, 24, 24].
"""
from __future__ import annotations

TEXT_LAYERS = 3
VOCAB = 151936  # Qwen2.5-VL-3B's padded vocabulary; the tokenizer defines 151665 ids

VISION_CONFIG = {
    "depth": 4,
    "hidden_act": "silu",
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_heads": 2,
    "in_chans": 3,
    "out_hidden_size": 32,
    "patch_size": 14,
    "spatial_merge_size": 2,
    "spatial_patch_size": 14,
    "window_size": 112,
    "fullatt_block_indexes": [1, 3],
    "tokens_per_second": 2,
    "temporal_patch_size": 2,
}


def config_json(tied: bool) -> dict:
    """config.json in the key layout of the published Qwen2.5-VL checkpoints (rope_scaling type "mrope")."""
    return {
        "architectures": ["Qwen2_5_VLForConditionalGeneration"],
        "attention_dropout": 0.0,
        "bos_token_id": 151643,
        "eos_token_id": 151645,
        "vision_start_token_id": 151652,
        "vision_end_token_id": 151653,
        "vision_token_id": 151654,
        "image_token_id": 151655,
        "video_token_id": 151656,
        "hidden_act": "silu",
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "max_position_embeddings": 128000,
        "max_window_layers": TEXT_LAYERS,
        "model_type": "qwen2_5_vl",
        "num_attention_heads": 2,
        "num_hidden_layers": TEXT_LAYERS,
        "num_key_value_heads": 1,
        "rms_norm_eps": 1e-06,
        "rope_theta": 1000000.0,
        "sliding_window": 32768,
        "tie_word_embeddings": tied,
        "torch_dtype": "bfloat16",
        "transformers_version": "4.51.1",
        "use_cache": True,
        "use_sliding_window": False,
        "vision_config": dict(VISION_CONFIG),
        "rope_scaling": {"type": "mrope", "mrope_section": [2, 3, 3]},
        "vocab_size": VOCAB,
    }


# Video-R2 / Qwen2.5-VL-7B-Instruct decoding (docs/model.md §5.3).
GENERATION_CONFIG = {
    "bos_token_id": 151643,
    "pad_token_id": 151643,
    "do_sample": True,
    "eos_token_id": [151645, 151643],
    "repetition_penalty": 1.05,
    "temperature": 0.1,
    "top_p": 0.001,
    "top_k": 1,
    "transformers_version": "4.51.1",
}

PREPROCESSOR_CONFIG = {
    "min_pixels": 3136,
    "max_pixels": 12845056,
    "patch_size": 14,
    "temporal_patch_size": 2,
    "merge_size": 2,
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "image_processor_type": "Qwen2VLImageProcessor",
    "processor_class": "Qwen2_5_VLProcessor",
}
