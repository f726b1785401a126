"""Generators for `npm run bench`: random Qwen2-shaped weights, a Qwen2.5-VL checkpoint, and an ONNX twin."""
