"""The q4 rule of ARCHITECTURE.md §4: the reference tooling's implementation (tools/reference/vr2ref/quant.py),
reused so that the ONNX twin holds bit for bit the weights the engine's GPU quantizer produces."""
from __future__ import annotations

import sys
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "reference"
sys.path.insert(0, str(REFERENCE))

from vr2ref.quant import QuantTensor, quantize  # noqa: E402

__all__ = ["QuantTensor", "quantize", "REFERENCE"]
