#!/usr/bin/env node
// `npm start`: installs dependencies if they are missing or stale, then serves the app and prints its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const stale =
  !existsSync('node_modules/.package-lock.json') ||
  statSync('package-lock.json').mtimeMs > statSync('node_modules/.package-lock.json').mtimeMs;
if (stale) {
  console.log('Installing dependencies (npm ci)…');
  // package.json's allowScripts denies onnxruntime-node's postinstall (it would fetch CUDA libraries from NuGet on
  // Linux x64, which we never use); npm releases without allowScripts honour this variable instead.
  const r = spawnSync('npm', ['ci'], { stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const port = process.env.PORT ?? '5173';
const vite = spawn('npx', ['vite', '--port', port, '--host', process.env.HOST ?? '127.0.0.1'], { stdio: 'inherit' });
vite.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => vite.kill(sig));
