// The uniform arena: every kernel's small parameter block lives in a slot of a few large uniform buffers
// instead of its own buffer (thousands of dispatches for a 7B model). Slots are aligned to the device's
// minUniformBufferOffsetAlignment and returned to a free list when their owner is destroyed.

export interface UniformSlot {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly size: number;
}

const BLOCK_BYTES = 64 * 1024;

export class UniformArena {
  private readonly blocks: GPUBuffer[] = [];
  private readonly free = new Map<number, UniformSlot[]>();
  private cursor = BLOCK_BYTES;
  private live = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly align: number,
  ) {}

  /** Slots in use (tests check that owners give theirs back). */
  get liveSlots(): number {
    return this.live;
  }

  get blockCount(): number {
    return this.blocks.length;
  }

  alloc(bytes: number): UniformSlot {
    const size = Math.ceil(bytes / this.align) * this.align;
    if (size > BLOCK_BYTES)
      throw new Error(`uniform block of ${bytes} bytes exceeds the arena's ${BLOCK_BYTES}-byte blocks`);
    this.live++;
    const reused = this.free.get(size)?.pop();
    if (reused) return reused;
    if (this.cursor + size > BLOCK_BYTES) {
      this.blocks.push(
        this.device.createBuffer({
          label: `uniform-arena.block${this.blocks.length}`,
          size: BLOCK_BYTES,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        }),
      );
      this.cursor = 0;
    }
    const slot = { buffer: this.blocks[this.blocks.length - 1]!, offset: this.cursor, size };
    this.cursor += size;
    return slot;
  }

  release(slot: UniformSlot): void {
    this.live--;
    let list = this.free.get(slot.size);
    if (!list) this.free.set(slot.size, (list = []));
    list.push(slot);
  }
}
