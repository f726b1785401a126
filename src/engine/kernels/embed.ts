// Token embedding gather from a q4, q8 or 16-bit table, and the injection of vision rows at <|video_pad|> positions
// (shaders/embed.wgsl, shaders/inject_rows.wgsl).
import type { GpuContext } from '../gpu/device';
import { deviceGrid, kernelOp, makeDispatch, Uniforms, type KernelOp } from '../gpu/dispatch';
import { numel, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype } from './checks';
import { w16FromTensor, type Q4Weight, type W16Weight } from './weight-chunks';
import type { Q8Weight } from './q8-weight';

/** Ordinal of a row that keeps its token embedding. */
export const NO_ROW = 0xffffffff;
/** Quiet NaN written for bad ids / ordinals (a uniform, since WGSL rejects NaN constants). */
const NAN_BITS = 0x7fc00000;

export interface EmbedArgs {
  /** u32 token ids [≥ m]; ids ≥ table rows produce NaN rows. */
  ids: GpuTensor;
  /** The table [vocab, K]: q4, q8, chunked 16-bit, or one bf16/f16 tensor. */
  table: Q4Weight | Q8Weight | W16Weight | GpuTensor;
  /** f32 [≥ m, K]. */
  out: GpuTensor;
  m: number;
}

/** out[i, :] = table[ids[i], :] for i < m, as f32. One dispatch per table chunk. */
export function embedGather(ctx: GpuContext, label: string, args: EmbedArgs): KernelOp {
  const table = 'kind' in args.table ? args.table : w16FromTensor(args.table);
  const { ids, out, m } = args;
  const k = table.cols;
  expectDtype(label, { ids }, 'u32');
  expectDtype(label, { out }, 'f32');
  if (!Number.isInteger(m) || m < 1) throw new Error(`${label}: m ${m} must be a positive integer`);
  if (k % 4 !== 0) throw new Error(`${label}: K = ${k} must be a multiple of 4`);
  if (numel(ids.shape) < m) throw new Error(`${label}: ids (${ids.label}) has ${numel(ids.shape)} elements, need ${m}`);
  if (out.shape.length >= 2 && out.shape[out.shape.length - 1] !== k)
    throw new Error(`${label}: out (${out.label}) has shape [${out.shape.join(', ')}], expected rows of K = ${k}`);
  if (numel(out.shape) < m * k)
    throw new Error(`${label}: out (${out.label}) has ${numel(out.shape)} elements, need ${m} rows of ${k}`);
  const defines = {
    Q4: table.kind === 'q4',
    Q8: table.kind === 'q8',
    W_BF16: table.kind === 'w16' && table.dtype === 'bf16',
  };
  const pipeline = kernelPipeline(ctx, 'embed.wgsl', defines);
  return kernelOp(
    table.chunks.map((chunk, i) => {
      const name = `${label}.chunk${i}`;
      const params = new Uniforms(ctx, `${name}.params`, ['m', 'k', 'row0', 'rows', 'total_rows', 'first', 'nan_bits'])
        .setU32('m', m)
        .setU32('k', k)
        .setU32('row0', chunk.row0)
        .setU32('rows', chunk.rows)
        .setU32('total_rows', table.rows)
        .setU32('first', i === 0 ? 1 : 0)
        .setU32('nan_bits', NAN_BITS)
        .write();
      const tableBuffers = 'qweight' in chunk ? [chunk.qweight, chunk.scales] : [chunk.data];
      const bindings = [ids.buffer, out.buffer, params, ...tableBuffers];
      return makeDispatch(ctx, name, pipeline, bindings, deviceGrid(ctx, m), [params]);
    }),
  );
}

/**
 * For each position, the index of the vision-feature row that replaces it (the running count of `videoTokenId`,
 * starting at `firstFeatureRow`, e.g. when a prompt is prefilled in pieces), or NO_ROW.
 */
export function videoRowOrdinals(
  ids: ArrayLike<number>,
  videoTokenId: number,
  firstFeatureRow = 0,
): { ordinals: Uint32Array; count: number } {
  const ordinals = new Uint32Array(ids.length);
  let count = 0;
  for (let i = 0; i < ids.length; i++) ordinals[i] = ids[i] === videoTokenId ? firstFeatureRow + count++ : NO_ROW;
  return { ordinals, count };
}

export interface InjectArgs {
  /** u32 [≥ m] from videoRowOrdinals. */
  ordinals: GpuTensor;
  /** f32 vision features [F, K]. */
  features: GpuTensor;
  /** f32 [≥ m, K] embeddings, overwritten at the video rows. */
  out: GpuTensor;
  m: number;
}

/** out[i, :] = features[ordinals[i], :] where ordinals[i] != NO_ROW (ordinals ≥ F give NaN rows). */
export function injectRows(ctx: GpuContext, label: string, args: InjectArgs): KernelOp {
  const { ordinals, features, out, m } = args;
  expectDtype(label, { ordinals }, 'u32');
  expectDtype(label, { features, out }, 'f32');
  if (features.shape.length !== 2)
    throw new Error(`${label}: features (${features.label}) must be 2-D [rows, K], got [${features.shape.join(', ')}]`);
  const [rows, k] = features.shape as [number, number];
  if (k % 4 !== 0) throw new Error(`${label}: K = ${k} must be a multiple of 4`);
  if (!Number.isInteger(m) || m < 1) throw new Error(`${label}: m ${m} must be a positive integer`);
  if (numel(ordinals.shape) < m)
    throw new Error(`${label}: ordinals (${ordinals.label}) has ${numel(ordinals.shape)} elements, need ${m}`);
  if (out.shape.length >= 2 && out.shape[out.shape.length - 1] !== k)
    throw new Error(`${label}: out (${out.label}) has shape [${out.shape.join(', ')}], expected rows of K = ${k}`);
  if (numel(out.shape) < m * k)
    throw new Error(`${label}: out (${out.label}) has ${numel(out.shape)} elements, need ${m} rows of ${k}`);
  if (out.buffer === features.buffer) throw new Error(`${label}: out (${out.label}) must not alias the features`);
  const pipeline = kernelPipeline(ctx, 'inject_rows.wgsl');
  const params = new Uniforms(ctx, `${label}.params`, ['m', 'k4', 'feature_rows', 'nan_bits'])
    .setU32('m', m)
    .setU32('k4', k / 4)
    .setU32('feature_rows', rows)
    .setU32('nan_bits', NAN_BITS)
    .write();
  const bindings = [ordinals.buffer, features.buffer, out.buffer, params];
  return kernelOp([makeDispatch(ctx, label, pipeline, bindings, deviceGrid(ctx, m), [params])]);
}
