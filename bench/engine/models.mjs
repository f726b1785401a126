// Makes (once) the bench models with tools/bench/make_models.py and returns their folders. The Python side runs in
// tools/bench/.venv; when that is missing, `ensureBenchPython` creates it with tools/bench/setup.sh (PyPI; once,
// minutes: torch is ~3 GB), printing pip's progress, so a fresh clone needs no manual step.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export class MissingPythonError extends Error {}

const venvPython = (root) => join(root, 'tools/bench/.venv/bin/python');
/** The ready marker setup.sh writes last: a venv interrupted mid-install is not taken for a finished one. */
const readyMarker = (root) => join(root, 'tools/bench/.venv/bench-ready');

/**
 * The interpreter of the bench's Python side: BENCH_PYTHON, else tools/bench/.venv, created here on first use.
 * Resolves with the path; rejects with MissingPythonError (what to do by hand) if setup.sh fails.
 */
export async function ensureBenchPython(root, log = console.log) {
  if (process.env.BENCH_PYTHON) {
    if (!existsSync(process.env.BENCH_PYTHON))
      throw new MissingPythonError(`BENCH_PYTHON=${process.env.BENCH_PYTHON} does not exist`);
    return process.env.BENCH_PYTHON;
  }
  if (existsSync(readyMarker(root))) return venvPython(root);
  log(
    'bench: one-time setup — creating tools/bench/.venv (torch, transformers 5, onnx, onnxruntime, onnxruntime-genai,\n' +
      '  PyAV from PyPI; several GB, usually minutes). Later runs reuse it. pip progress follows.',
  );
  const t0 = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn('bash', [join(root, 'tools/bench/setup.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = (d) => process.stdout.write(String(d).replace(/^(?=.)/gm, '  [setup] '));
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', () => resolve(-1));
    child.on('close', resolve);
  });
  if (code !== 0 || !existsSync(readyMarker(root)))
    throw new MissingPythonError(
      `tools/bench/setup.sh failed (exit ${code}), so the engine bench cannot generate its models.\n` +
        `  Fix the error above and rerun, or point BENCH_PYTHON at a Python that has torch, transformers ≥ 5, onnx,\n` +
        `  onnxruntime, onnxruntime-genai and av (see tools/bench/README.md).`,
    );
  log(`bench: tools/bench/.venv ready in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  return venvPython(root);
}

/** Runs make_models.py with `args` (array of CLI flags); resolves with its final JSON line. */
export async function makeModels(root, outDir, args) {
  const py = await ensureBenchPython(root);
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
