// Keyed compute-pipeline cache. The key is the shader family plus its specialization (defines and
// override constants), so each distinct kernel variant is compiled exactly once per device. Kernels reach it
// through kernels/shader-source.ts `kernelPipeline`.

export interface PipelineSpec {
  /** Shader family name, e.g. "rmsnorm"; part of the key and of every label. */
  family: string;
  /** Produces the preprocessed WGSL; called only on a cache miss. Must be a pure function of family + defines. */
  code: () => string;
  defines?: Readonly<Record<string, boolean>>;
  constants?: Readonly<Record<string, number>>;
  entryPoint?: string;
}

export function pipelineKey(spec: Omit<PipelineSpec, 'code'>): string {
  const sorted = (o: Readonly<Record<string, unknown>> | undefined) =>
    o
      ? Object.keys(o)
          .sort()
          .map((k) => `${k}=${String(o[k])}`)
          .join(',')
      : '';
  return `${spec.family}#${spec.entryPoint ?? 'main'}[${sorted(spec.defines)}](${sorted(spec.constants)})`;
}

export class PipelineCache {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly modules = new Map<string, GPUShaderModule>();

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  get(spec: PipelineSpec): GPUComputePipeline {
    const key = pipelineKey(spec);
    let p = this.pipelines.get(key);
    if (!p) {
      const code = spec.code();
      let module = this.modules.get(code);
      if (!module) {
        module = this.device.createShaderModule({ label: spec.family, code });
        this.modules.set(code, module);
      }
      p = this.device.createComputePipeline({
        label: key,
        layout: 'auto',
        compute: { module, entryPoint: spec.entryPoint ?? 'main', constants: { ...spec.constants } },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }
}
