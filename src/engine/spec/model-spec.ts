// ModelSpec: every dimension and constant the engine uses, derived once from the checkpoint's own
// config.json (+ generation_config.json, preprocessor_config.json). Nothing else in the engine authors
// a model dimension (ARCHITECTURE.md, principle 2).

export interface TextSpec {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** Query heads per KV head (GQA): head i reads KV head floor(i / gqaGroup). */
  gqaGroup: number;
  /** numHeads · headDim (q_proj output). */
  qDim: number;
  /** numKvHeads · headDim (k_proj / v_proj output). */
  kvDim: number;
  intermediateSize: number;
  /** Rows of embed_tokens and lm_head (≥ the tokenizer's id count; the rest is padding). */
  vocabSize: number;
  ropeTheta: number;
  /** mrope_section as in the config, e.g. [16, 24, 24] (frequency pairs per t/h/w axis; sums to headDim/2). */
  mropeSection: [number, number, number];
  /** The section list doubled over the headDim cos/sin lanes, e.g. [16,24,24,16,24,24]; chunk i uses axis i % 3. */
  mropeSectionDoubled: [number, number, number, number, number, number];
  rmsNormEps: number;
  tieWordEmbeddings: boolean;
  maxPositionEmbeddings: number;
}

export interface VisionSpec {
  depth: number;
  hiddenSize: number;
  numHeads: number;
  headDim: number;
  intermediateSize: number;
  inChannels: number;
  patchSize: number;
  temporalPatchSize: number;
  spatialMergeSize: number;
  /** spatialMergeSize² patch rows that become one LLM token. */
  mergeUnit: number;
  /** inChannels · temporalPatchSize · patchSize² (a pixel_values row, 1176 for 7B). */
  patchDim: number;
  /** hiddenSize · mergeUnit (the merger MLP width, 5120 for 7B). */
  mergerHidden: number;
  /** window_size in pixels as configured (112). */
  windowSizePx: number;
  /** Window side in merged tokens: windowSizePx / patchSize / spatialMergeSize (4). */
  windowMergedTokens: number;
  /** Blocks (0-based) using full attention per temporal slice; all others are windowed. */
  fullAttentionBlocks: number[];
  /** Text hidden size the merger projects to. */
  outHiddenSize: number;
  /** Temporal position units per second for M-RoPE (checkpoint value; HF class default 4 when absent). */
  tokensPerSecond: number;
  /** Vision 2-D RoPE base; hard-coded 10000 in the HF vision rotary module. */
  ropeTheta: number;
  /** Vision RMSNorm eps: hard-coded 1e-6 in HF (norm1/norm2/ln_q). */
  rmsNormEps: number;
}

export interface TokenIds {
  videoPad: number;
  imagePad: number;
  visionStart: number;
  visionEnd: number;
  /** <|vision_pad|>, when the config names it. */
  visionPad: number | null;
  bos: number | null;
  pad: number | null;
  /** Stop ids: generation_config.eos_token_id (int or list), else config.json's eos_token_id. */
  eos: number[];
}

/** generation_config.json values (HF GenerationConfig defaults where the file omits a field). */
export interface GenerationDefaults {
  doSample: boolean;
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  /** Where the values came from: the file, or HF's defaults because the file was absent. */
  source: 'generation_config.json' | 'defaults';
}

/** preprocessor_config.json values as transformers 4.51's Qwen2VLImageProcessor reads them. */
export interface PreprocessorSpec {
  imageMean: [number, number, number];
  imageStd: [number, number, number];
  rescaleFactor: number;
  minPixels: number;
  maxPixels: number;
  patchSize: number;
  temporalPatchSize: number;
  mergeSize: number;
  source: 'preprocessor_config.json' | 'defaults';
}

export interface ModelSpec {
  /** The architecture named by config.json (always Qwen2_5_VLForConditionalGeneration today). */
  architecture: string;
  /** 'flat': transformers ≤ 4.51 (text fields at top level); 'nested': ≥ 4.52 (`text_config`). */
  configLayout: 'flat' | 'nested';
  /** config.json's torch_dtype (or `dtype`), informational: tensors' real dtypes come from the safetensors headers. */
  torchDtype: string | null;
  text: TextSpec;
  vision: VisionSpec;
  tokens: TokenIds;
  generation: GenerationDefaults;
  preprocessor: PreprocessorSpec;
  /** Non-fatal oddities (e.g. a top-level field disagreeing with text_config, which wins as in HF). */
  warnings: string[];
}
