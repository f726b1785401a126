// q8 weights on the GPU (docs/model.md §6.3): row-chunked like q4 (weight-chunks.ts, which holds both formats),
// with int8 codes [rows][cols/4] u32 words and f16 scales two per u32. A 7B q8 lm_head is 545 MB, so chunking
// matters even more than for q4.
import { quantWeightCreator, type QuantWeight } from './weight-chunks';

/** A q8 weight W[rows, cols] (PyTorch [out, in] layout), split in row chunks. */
export type Q8Weight = QuantWeight<'q8'>;

/** Allocates a zeroed q8 weight, chunked to fit this device's buffer and binding limits. */
export const createQ8Weight = quantWeightCreator('q8');
