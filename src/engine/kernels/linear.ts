// Linear layers y[M, N] = x[M, K] · Wᵀ + b over q4, q8 or 16-bit weights (shaders/quant_matvec, quant_matmul with
// Q8 for q8, matvec16, matmul16), the shader picked by the weight's kind. M = 1 (decode) takes the matrix-vector
// kernels, which are memory-bound and read each weight byte once; larger M takes the tiled matrix kernels, whose
// tile height (16, 32 or 64 rows) is chosen by M (matmulTileRows). Every weight is a list of row chunks
// (weight-chunks.ts): one dispatch per chunk, each writing its own output columns.
import type { GpuContext } from '../gpu/device';
import { bindGroup, kernelOp, linearGrid, Uniforms, type Dispatch, type KernelOp } from '../gpu/dispatch';
import { numel, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype } from './checks';
import { Q4_GROUP, w16FromTensor, type Q4Weight, type W16Weight } from './weight-chunks';
import type { Q8Weight } from './q8-weight';

/** A chunked weight the linear kernels read: q4, q8 or 16-bit. */
type ChunkedWeight = Q4Weight | Q8Weight | W16Weight;

/** A q4 or q8 weight, a chunked 16-bit weight, or one bf16/f16 tensor [N, K]. */
export type LinearWeight = ChunkedWeight | GpuTensor;

export interface LinearArgs {
  /** f32 activations; rows [xRowOffset, xRowOffset + m) of K values are read. */
  x: GpuTensor;
  weight: LinearWeight;
  /** f32 output, m rows of N (row-major, starting at element 0). Must not be x. */
  y: GpuTensor;
  /** Rows to compute (1 for decode). */
  m: number;
  /** Optional bias [N]: f32, bf16 or f16. */
  bias?: GpuTensor;
  /** First row of x to read (e.g. the prompt's last row for lm_head after prefill). */
  xRowOffset?: number;
  /** 'auto' (default): matvec when m == 1, else matmul. */
  path?: 'auto' | 'matvec' | 'matmul';
  /** Matmul tile height (default: matmulTileRows(m)). */
  matmulTileRows?: MatmulTileRows;
  /** Matvec lanes per 4-row team, a power of two in [1, 256] (default: defaultThreadsPerRow of the row length). */
  matvecThreadsPerRow?: number;
  /**
   * q4/q8 matvec on subgroups (teams are subgroups, reduced with subgroupAdd). Default: on when the device has the
   * `subgroups` feature, the WGSL `subgroup_id` builtin and reports its subgroup sizes. The 16-bit matvec has no
   * subgroup variant.
   */
  matvecSubgroups?: boolean;
}

const MATVEC_WG = 256;

/**
 * Lanes per row team: enough that each lane still reads ~8 units (q4 groups or vec4s) of a row. Short rows
 * (tiny models, K = 32) with 32 lanes leave most lanes idle and multiply the invocations — 25× slower on
 * SwiftShader for the 151936-row lm_head — while 7B rows (≥ 112 units) keep 8–32 lanes.
 */
export function defaultThreadsPerRow(units: number): number {
  return Math.min(32, 2 ** Math.floor(Math.log2(Math.max(1, units / 8))));
}
const MATVEC_ROWS_PER_TEAM = 4;
/** Output columns per matmul workgroup (common/matmul_tile.wgsl's MT). */
const TILE_N = 64;

/** Tile heights the matmul shaders are built for (TILE_M; 2 · TILE_M invocations per workgroup). */
export const MATMUL_TILE_ROWS = [16, 32, 64] as const;
export type MatmulTileRows = (typeof MATMUL_TILE_ROWS)[number];
/**
 * Rows' worth of work a workgroup spends besides its rows' FMAs (mostly dequantizing the W tile, which every row
 * tile of M repeats): at 64 rows that is ~1/8 of the tile, and a real GPU also rereads W per row tile.
 */
const TILE_OVERHEAD_ROWS = 8;

/**
 * The matmul tile height for M rows: the smallest padded work ⌈M / T⌉ · (T + overhead), ties to the taller tile.
 * A 64-row tile on a 16-token prompt computes 48 rows of zeros; a 16-row tile on a 2,048-token one dequantizes W
 * 128 times instead of 32. M ≤ 16 → 16, 17–32 → 32, 33–64 → 64, 65–96 → 32, then 64 from 97 on.
 */
export function matmulTileRows(m: number): MatmulTileRows {
  let best: MatmulTileRows = 64;
  let bestCost = Infinity;
  for (const t of [...MATMUL_TILE_ROWS].reverse()) {
    const cost = Math.ceil(m / t) * (t + TILE_OVERHEAD_ROWS);
    if (cost < bestCost) [best, bestCost] = [t, cost];
  }
  return best;
}

function asWeight(w: LinearWeight): ChunkedWeight {
  return 'kind' in w ? w : w16FromTensor(w);
}

/**
 * Units a matvec lane reads: 32-element groups of a quantized row (q4 and q8 share the group size), vec4s of a
 * 16-bit one.
 */
function rowUnits(w: ChunkedWeight): number {
  return w.kind === 'w16' ? w.cols / 4 : w.cols / Q4_GROUP;
}

/** The shader of a weight's kind: quant_matvec/quant_matmul (q4, or q8 with the Q8 define), or matvec16/matmul16. */
function shaderFor(w: ChunkedWeight, path: 'matvec' | 'matmul'): string {
  return w.kind === 'w16' ? `${path}16.wgsl` : `quant_${path}.wgsl`;
}

/** Last dimension must be `d` when the tensor is 2-D or more; flat buffers are checked by size only. */
function checkRows(label: string, name: string, t: GpuTensor, d: number, rows: number): void {
  if (t.shape.length >= 2 && t.shape[t.shape.length - 1] !== d) {
    throw new Error(`${label}: ${name} (${t.label}) has shape [${t.shape.join(', ')}], expected rows of ${d}`);
  }
  if (numel(t.shape) < rows * d)
    throw new Error(
      `${label}: ${name} (${t.label}) has ${numel(t.shape)} elements, need ${rows} rows of ${d} = ${rows * d}`,
    );
}

function biasDefines(label: string, bias: GpuTensor | undefined, n: number): Record<string, boolean> {
  if (!bias) return { HAS_BIAS: false, BIAS_F32: false, BIAS_BF16: false };
  expectDtype(label, { bias }, 'f32', 'bf16', 'f16');
  if (numel(bias.shape) !== n)
    throw new Error(`${label}: bias (${bias.label}) has ${numel(bias.shape)} elements, expected N = ${n}`);
  return { HAS_BIAS: true, BIAS_F32: bias.dtype === 'f32', BIAS_BF16: bias.dtype === 'bf16' };
}

/**
 * Builds the dispatches of y = x · Wᵀ + b. Shapes: x f32 [≥ xRowOffset + m, K], W [N, K], y f32 [≥ m, N],
 * bias [N]. q4/q8 need K % 32 == 0, 16-bit K % 4 == 0. One dispatch per weight chunk.
 */
export function linear(ctx: GpuContext, label: string, args: LinearArgs): KernelOp {
  const w = asWeight(args.weight);
  const { x, y, m, bias } = args;
  const xRowOffset = args.xRowOffset ?? 0;
  const k = w.cols;
  const n = w.rows;
  expectDtype(label, { x, y }, 'f32');
  if (!Number.isInteger(m) || m < 1) throw new Error(`${label}: m ${m} must be a positive integer`);
  if (!Number.isInteger(xRowOffset) || xRowOffset < 0)
    throw new Error(`${label}: xRowOffset ${xRowOffset} must be a non-negative integer`);
  const kUnit = w.kind === 'w16' ? 4 : Q4_GROUP;
  if (k % kUnit !== 0) throw new Error(`${label}: K = ${k} is not a multiple of ${kUnit}`);
  if (x.buffer === y.buffer) throw new Error(`${label}: x and y (${y.label}) must be different buffers`);
  checkRows(label, 'x', x, k, xRowOffset + m);
  checkRows(label, 'y', y, n, m);
  const defines = {
    ...biasDefines(label, bias, n),
    W_BF16: w.kind === 'w16' && w.dtype === 'bf16',
    Q8: w.kind === 'q8',
  };
  const path = args.path ?? 'auto';
  const matvec = path === 'matvec' || (path === 'auto' && m === 1);
  if (matvec && m !== 1) throw new Error(`${label}: the matvec path computes one row, got m = ${m}`);
  const plan = { ctx, label, args, w, defines };
  return kernelOp(matvec ? buildMatvec(plan) : buildMatmul(plan));
}

/** What both paths build their dispatches from: the checked arguments and the shader defines they imply. */
interface LinearPlan {
  ctx: GpuContext;
  label: string;
  args: LinearArgs;
  w: ChunkedWeight;
  defines: Record<string, boolean>;
}

function buildMatvec({ ctx, label, args, w, defines }: LinearPlan): Dispatch[] {
  const tpr = args.matvecThreadsPerRow ?? defaultThreadsPerRow(rowUnits(w));
  if (!Number.isInteger(Math.log2(tpr)) || tpr < 1 || tpr > MATVEC_WG)
    throw new Error(`${label}: matvecThreadsPerRow ${tpr} must be a power of two in [1, 256]`);
  const canSubgroups = ctx.features.subgroupId && ctx.subgroupSize !== null;
  if (args.matvecSubgroups && !canSubgroups)
    throw new Error(
      `${label}: matvecSubgroups requested, but the device lacks subgroups or the WGSL subgroup_id builtin`,
    );
  const subgroups = w.kind !== 'w16' && (args.matvecSubgroups ?? canSubgroups);
  // With subgroups, one four-row slot per subgroup at the smallest size the adapter may run; at larger sizes
  // each subgroup takes several slots (the shader loops), so the grid never depends on the actual size.
  const slots = subgroups ? Math.max(1, Math.floor(MATVEC_WG / ctx.subgroupSize!.min)) : 0;
  const rowsPerWg = subgroups ? slots * MATVEC_ROWS_PER_TEAM : (MATVEC_WG / tpr) * MATVEC_ROWS_PER_TEAM;
  const pipeline = kernelPipeline(
    ctx,
    shaderFor(w, 'matvec'),
    { ...defines, SUBGROUPS: subgroups },
    subgroups ? { SLOTS: slots } : { TPR: tpr },
  );
  const xVec4 = ((args.xRowOffset ?? 0) * w.cols) / 4;
  return w.chunks.map((chunk, i) => {
    const name = `${label}.chunk${i}`;
    const params = new Uniforms(ctx, `${name}.params`, ['rows', 'units', 'x_vec4_0', 'n0'])
      .setU32('rows', chunk.rows)
      .setU32('units', rowUnits(w))
      .setU32('x_vec4_0', xVec4)
      .setU32('n0', chunk.row0)
      .write();
    return {
      label: name,
      pipeline,
      bindGroup: bindGroup(ctx, pipeline, name, linearResources(args, chunk, params)),
      uniforms: [params],
      workgroups: linearGrid(Math.ceil(chunk.rows / rowsPerWg), ctx.limits.maxComputeWorkgroupsPerDimension),
    };
  });
}

/** Bindings shared by all shaders: x, the chunk's weights (q4/q8: qweight + scales; 16-bit: data), y, params, bias. */
function linearResources(
  args: LinearArgs,
  chunk: ChunkedWeight['chunks'][number],
  params: Uniforms,
): (GPUBuffer | Uniforms)[] {
  const weightBuffers = 'qweight' in chunk ? [chunk.qweight, chunk.scales] : [chunk.data];
  return [args.x.buffer, ...weightBuffers, args.y.buffer, params, ...(args.bias ? [args.bias.buffer] : [])];
}

function buildMatmul({ ctx, label, args, w, defines }: LinearPlan): Dispatch[] {
  const tileM = args.matmulTileRows ?? matmulTileRows(args.m);
  if (!MATMUL_TILE_ROWS.includes(tileM))
    throw new Error(`${label}: matmulTileRows ${tileM} must be one of ${MATMUL_TILE_ROWS.join(', ')}`);
  const pipeline = kernelPipeline(ctx, shaderFor(w, 'matmul'), defines, { TILE_M: tileM });
  const mTiles = Math.ceil(args.m / tileM);
  const maxDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (mTiles > maxDim)
    throw new Error(`${label}: m = ${args.m} needs ${mTiles} row tiles, over the ${maxDim} workgroups per dimension`);
  return w.chunks.map((chunk, i) => {
    const name = `${label}.chunk${i}`;
    const nTiles = Math.ceil(chunk.rows / TILE_N);
    if (nTiles > maxDim)
      throw new Error(
        `${name}: ${chunk.rows} rows need ${nTiles} column tiles, over the ${maxDim} workgroups per dimension`,
      );
    const params = new Uniforms(ctx, `${name}.params`, ['m', 'k', 'n', 'n0', 'rows', 'x_row0'])
      .setU32('m', args.m)
      .setU32('k', w.cols)
      .setU32('n', w.rows)
      .setU32('n0', chunk.row0)
      .setU32('rows', chunk.rows)
      .setU32('x_row0', args.xRowOffset ?? 0)
      .write();
    return {
      label: name,
      pipeline,
      bindGroup: bindGroup(ctx, pipeline, name, linearResources(args, chunk, params)),
      workgroups: [nTiles, mTiles, 1] as const,
      uniforms: [params],
    };
  });
}
