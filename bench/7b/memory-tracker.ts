// Actual GPU allocations: wraps device.createBuffer so every buffer's size counts from creation to destroy(),
// recording the peak. Compared with the memory plan, which is computed before anything is allocated.
export interface AllocationTracker {
  readonly live: number;
  readonly peak: number;
  /** Starts a new peak window at the current live size. */
  resetPeak(): void;
}

export function trackAllocations(device: GPUDevice): AllocationTracker {
  let live = 0;
  let peak = 0;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (desc: GPUBufferDescriptor) => {
    const buffer = create(desc);
    live += buffer.size;
    peak = Math.max(peak, live);
    const destroy = buffer.destroy.bind(buffer);
    let alive = true;
    buffer.destroy = () => {
      if (alive) {
        alive = false;
        live -= buffer.size;
      }
      destroy();
    };
    return buffer;
  };
  return {
    get live() {
      return live;
    },
    get peak() {
      return peak;
    },
    resetPeak() {
      peak = live;
    },
  };
}
