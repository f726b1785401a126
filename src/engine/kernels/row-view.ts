// Row-strided views into f32 activation buffers, so kernels can read q/k/v either from one fused qkv projection
// output or from separate buffers without a copy. Offsets and strides are in f32 elements.
import type { GpuTensor } from '../gpu/tensor';
import { expectDtype, expectElements } from './checks';

export interface RowView {
  readonly tensor: GpuTensor;
  /** Element index of column 0 of row 0. */
  readonly offset: number;
  /** Elements between consecutive rows. */
  readonly stride: number;
}

/** A dense [rows, cols] tensor (or [rows, heads, dim]) seen as rows of `cols` = product of the trailing dims. */
export function denseRows(t: GpuTensor): RowView {
  const cols = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { tensor: t, offset: 0, stride: cols };
}

/** q, k, v views into a fused projection output [rows, (Hq + 2·Hkv)·D] laid out [q | k | v]. */
export function fusedQkvRows(
  qkv: GpuTensor,
  heads: number,
  kvHeads: number,
  headDim: number,
): { q: RowView; k: RowView; v: RowView } {
  const stride = (heads + 2 * kvHeads) * headDim;
  const cols = qkv.shape.slice(1).reduce((a, b) => a * b, 1);
  if (cols !== stride)
    throw new Error(
      `fusedQkvRows: ${qkv.label} has ${cols} columns per row, expected (${heads} + 2·${kvHeads})·${headDim} = ${stride}`,
    );
  return {
    q: { tensor: qkv, offset: 0, stride },
    k: { tensor: qkv, offset: heads * headDim, stride },
    v: { tensor: qkv, offset: (heads + kvHeads) * headDim, stride },
  };
}

/** Checks an f32 view holds `rows` rows of `width` elements. */
export function expectRows(kernel: string, name: string, view: RowView, rows: number, width: number): void {
  expectDtype(kernel, { [name]: view.tensor }, 'f32');
  if (!Number.isInteger(view.offset) || !Number.isInteger(view.stride) || view.offset < 0 || view.stride < width) {
    throw new Error(
      `${kernel}: ${name} view of ${view.tensor.label} has offset ${view.offset}, stride ${view.stride}; need stride ≥ ${width}`,
    );
  }
  expectElements(kernel, name, view.tensor, view.offset + (rows - 1) * view.stride + width);
}
