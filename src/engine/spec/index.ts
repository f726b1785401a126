// Public surface of spec/: the ModelSpec, its parser, and the tensors it requires.
export type { GenerationDefaults, ModelSpec, PreprocessorSpec, TextSpec, TokenIds, VisionSpec } from './model-spec';
export { ModelSpecError } from './config-reader';
export { parseModelSpec, SUPPORTED_ARCHITECTURE, type ConfigFiles } from './parse-config';
export { checkpointTensors, outputProjectionName, type TensorRequirement, type TensorStorage } from './tensors';
