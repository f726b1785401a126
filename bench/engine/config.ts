// What bench/run.mjs asks the page to measure (passed as JSON in the `config` query parameter).
export interface EngineBenchConfig {
  /** URL folder of the Qwen2.5-VL bench checkpoint (ends with /). */
  vl: string;
  /** URL folder of the ONNX twin, or null to skip onnxruntime-web. */
  onnx: string | null;
  text: {
    promptTokens: number;
    decodeTokens: number;
    kvDtype: 'f16' | 'f32';
    seed: number;
  };
  /**
   * Prefill and decode by prompt length, ours and onnxruntime-web back to back at each length (bench/engine/sweep.ts),
   * or null to skip.
   */
  sweep: { lengths: number[]; decodeTokens: number } | null;
  /** Tap on/off decode steps on a prompt with a video span of grid t×h×w patches, or null to skip. */
  tap: { grid: { t: number; h: number; w: number }; textTokens: number; decodeTokens: number } | null;
  /** Largest relative first-token logit difference to our engine at which onnxruntime-web's numbers are trusted. */
  ortLogitsTolerance: number;
  /** MatMulNBits accuracy_level the ONNX twin was built with (reported only). */
  ortAccuracyLevel: 0 | 4;
  /** Patch grid of the vision run (t temporal patches × h × w patches), or null to skip it. */
  vision: { t: number; h: number; w: number } | null;
  refs: { copyMiB: number; copyReps: number; matmul: { m: number; n: number; k: number }; matmulReps: number };
}

export function readConfig(search: string): EngineBenchConfig {
  const raw = new URLSearchParams(search).get('config');
  if (!raw) throw new Error('bench/engine: missing ?config=<json> (start it with `npm run bench`)');
  return JSON.parse(raw) as EngineBenchConfig;
}
