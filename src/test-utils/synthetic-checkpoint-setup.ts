// Vitest globalSetup of the `browser` project: a loopback server with 7B-shaped synthetic checkpoints
// (synthetic-checkpoint-server.ts) for the load-path heap test; it gets the URL of the variant to load.
import type { TestProject } from 'vitest/node';
import { HEAP_TEST_CONFIGS } from './heap-test-config';
import { startSyntheticCheckpointServer } from './synthetic-checkpoint-server';

declare module 'vitest' {
  export interface ProvidedContext {
    syntheticCheckpoint: { variant: 'full' | 'ci'; url: string; fileBytes: number };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const variant = process.env.VR2_HEAP_TEST === 'full' ? 'full' : 'ci';
  const server = await startSyntheticCheckpointServer({ [variant]: HEAP_TEST_CONFIGS[variant] });
  project.provide('syntheticCheckpoint', { variant, ...server.checkpoints[variant]! });
  return server.close;
}
