// Words for engine phases, shared by the progress displays.
import type { PhaseName } from '../protocol/engine';

const LABELS: Record<PhaseName, string> = {
  config: 'Reading config',
  weights: 'Downloading weights',
  quantize: 'Quantizing on the GPU',
  cache: 'Loading from browser cache',
  compile: 'Compiling kernels',
  video: 'Preparing frames',
  vision: 'Vision encoder',
  prefill: 'Reading the prompt',
};

export function phaseLabel(phase: PhaseName | undefined): string {
  return phase ? LABELS[phase] : 'Starting';
}
