#!/usr/bin/env node
// `npm test`: every check, in order of cost. `npm test -- unit gpu` runs only the named steps.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH, SWIFTSHADER_ICD } from './chromium.mjs';

const steps = [
  ['typecheck', 'npx', ['tsc', '-p', '.']],
  // Formatting (Prettier, `npm run format` fixes it) is part of lint.
  ['lint', 'sh', ['-c', 'npx prettier --check --log-level warn . && npx eslint . --max-warnings 0']],
  ['unit', 'npx', ['vitest', 'run', '--project', 'unit']],
  ['gpu', 'npx', ['vitest', 'run', '--project', 'gpu']],
  ['browser', 'npx', ['vitest', 'run', '--project', 'browser']],
  ['build', 'npx', ['vite', 'build']],
  ['e2e', 'npx', ['playwright', 'test']],
];

const only = process.argv.slice(2);
const unknown = only.filter((s) => !steps.some(([name]) => name === s));
if (unknown.length) {
  console.error(`Unknown step(s): ${unknown.join(', ')}. Steps: ${steps.map(([n]) => n).join(', ')}`);
  process.exit(2);
}
if (!existsSync(CHROMIUM_PATH)) {
  console.error(
    `No Chromium at ${CHROMIUM_PATH}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(2);
}

const env = {
  ...process.env,
  VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD,
  NO_UPDATE_NOTIFIER: '1',
};
const timings = [];
for (const [name, cmd, args] of steps) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  timings.push(`${name} ${secs}s`);
  if (r.status !== 0) {
    console.error(`\n✗ ${name} failed after ${secs}s (exit ${r.status ?? r.signal}). Steps run: ${timings.join(', ')}`);
    process.exit(1);
  }
}
console.log(`\n✓ all passed: ${timings.join(', ')}`);
