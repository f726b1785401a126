"""Reference tooling for Video-R2 Web: tiny Qwen2.5-VL checkpoints and goldens from transformers 4.51.1."""
