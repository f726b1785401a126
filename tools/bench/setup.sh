#!/usr/bin/env bash
# Creates tools/bench/.venv, the Python that builds the bench models (make_models.py; `npm run bench` calls it).
#   tools/bench/setup.sh                       (BASE_VENV=/path/to/venv tools/bench/setup.sh to pick the base)
# torch, safetensors and numpy come from an existing venv that has them — tools/reference/.venv (created by
# tools/reference/setup.sh) or /work/venv-ref — through a .pth file, so torch is not downloaded twice. The new venv
# adds onnx, onnxruntime, onnxruntime-genai (model builder) and the transformers 5 the builder needs; the base venv
# is not modified. Without a base venv, torch 2.7.0 is installed from PyPI (several GB on Linux).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="${BASE_VENV:-}"
if [ -z "$base" ]; then
  for c in "$here/../reference/.venv" /work/venv-ref; do
    if [ -x "$c/bin/python" ] && "$c/bin/python" -c 'import torch, safetensors, numpy' 2>/dev/null; then base="$c"; break; fi
  done
fi
if [ ! -x "$here/.venv/bin/python" ]; then
  if [ -n "$base" ]; then
    # A venv made by the base venv's interpreter has the same Python version, so its site-packages can be shared.
    "$base/bin/python" -m venv "$here/.venv"
  else
    "${PYTHON:-python3}" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tools/bench needs Python >= 3.11")'
    "${PYTHON:-python3}" -m venv "$here/.venv"
  fi
fi
site="$("$here/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if [ -n "$base" ]; then
  "$base/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' > "$site/base-venv.pth"
  echo "tools/bench/.venv shares torch from $base"
else
  "$here/.venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off torch==2.7.0 safetensors==0.8.0 numpy==2.4.6
fi
"$here/.venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -r "$here/requirements.txt"
"$here/.venv/bin/python" -c 'import torch, transformers, onnx, onnxruntime, onnxruntime_genai, av; print("bench venv ready: torch", torch.__version__, "transformers", transformers.__version__, "onnxruntime", onnxruntime.__version__, "onnxruntime-genai", onnxruntime_genai.__version__)'
# Written last: bench/engine/models.mjs takes the venv as ready only when this exists.
touch "$here/.venv/bench-ready"
