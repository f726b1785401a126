// Prefill and decode by length, both engines back to back at each length (same weights, same page): for every
// prompt length L, ours (warm-up, then measured) and onnxruntime-web (warm-up, then measured) on the same ids. The
// prefill rate is measured at L; the decode step time at a context of L + (decode tokens) / 2 on average. Each
// length's first-token logits are compared across engines, so a length where ORT computes wrong numbers is flagged.
import type { KvDtype } from '../../src/engine/kernels/kv-cache';
import type { Qwen25VL } from '../../src/engine/model/qwen2_5_vl/model';
import { runOrtText, type OrtModel } from './ort';
import { runOursText } from './ours';
import { benchPromptIds, relativeError } from './prompt';

export interface SweepEngine {
  /** Tokens the prefill pass processed (ours: L − 1, the last one goes through the decode pass; ORT: L). */
  prefillTokens: number;
  prefillMs: number;
  /** Mean wall time of decode steps 1 … n−1. */
  decodeMsPerToken: number;
}

export interface SweepPoint {
  promptTokens: number;
  /** Mean keys a measured decode step attends to. */
  decodeContext: number;
  ours: SweepEngine;
  ort: SweepEngine | null;
  /** First-token logits, max |ours − ORT| / max |ours|. */
  logitsRelError: number | null;
}

export interface SweepInput {
  model: Qwen25VL;
  ort: OrtModel | null;
  lengths: readonly number[];
  decodeTokens: number;
  kvDtype: KvDtype;
  seed: number;
  log: (s: string) => void;
}

export async function runSweep(p: SweepInput): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  const steps = p.decodeTokens - 1;
  for (const L of p.lengths) {
    const ids = benchPromptIds(L, p.seed + L);
    await runOursText(p.model, ids, 2, p.kvDtype);
    const o = await runOursText(p.model, ids, p.decodeTokens, p.kvDtype);
    const ours = { prefillTokens: o.prefillTokens, prefillMs: o.prefillMs, decodeMsPerToken: o.decodeMs / steps };
    let ort: SweepEngine | null = null;
    let logitsRelError: number | null = null;
    if (p.ort) {
      await runOrtText(p.ort, ids, 2);
      const x = await runOrtText(p.ort, ids, p.decodeTokens);
      ort = { prefillTokens: x.promptTokens, prefillMs: x.prefillMs, decodeMsPerToken: x.decodeMs / steps };
      logitsRelError = relativeError(x.firstLogits, o.firstLogits);
    }
    const line = (e: SweepEngine) =>
      `prefill ${e.prefillMs.toFixed(0)} ms, decode ${e.decodeMsPerToken.toFixed(0)} ms/token`;
    p.log(`sweep L = ${L}: ours ${line(ours)}${ort ? `; onnxruntime-web ${line(ort)}` : ''}`);
    points.push({ promptTokens: L, decodeContext: L + p.decodeTokens / 2, ours, ort, logitsRelError });
  }
  return points;
}
