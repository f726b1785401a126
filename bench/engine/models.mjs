// Makes (once) the bench models with tools/bench/make_models.py and returns their folders. The Python side needs
// the venv of tools/bench/setup.sh; without it this throws a message that says how to create it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export class MissingPythonError extends Error {}

export function benchPython(root) {
  const py = process.env.BENCH_PYTHON ?? join(root, 'tools/bench/.venv/bin/python');
  if (!existsSync(py)) {
    throw new MissingPythonError(
      `The engine bench generates its models with Python, but ${py} does not exist.\n` +
        `  Create it once with:  tools/bench/setup.sh   (see tools/bench/README.md; needs Python ≥ 3.11 and PyPI),\n` +
        `  or point BENCH_PYTHON at a Python that has torch, transformers ≥ 5, onnx, onnxruntime and onnxruntime-genai.`,
    );
  }
  return py;
}

/** Runs make_models.py with `args` (array of CLI flags); resolves with its final JSON line. */
export function makeModels(root, outDir, args) {
  const py = benchPython(root);
  return new Promise((resolve, reject) => {
    const child = spawn(py, [join(root, 'tools/bench/make_models.py'), '--out', outDir, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      for (const line of String(d).split('\n')) if (line.startsWith('[make_models]')) console.log(line);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`make_models.py exited with ${code}:\n${err.slice(-3000)}`));
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`make_models.py printed no JSON result:\n${out.slice(-2000)}`));
      }
    });
  });
}
