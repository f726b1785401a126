// What the report says about the adapter: its name, whether it is a fallback (software) adapter, every feature
// and every numeric limit it offers (not only the ones the engine requests).
import type { AdapterReport } from './bench7b';

export async function describeAdapter(gpu: GPU): Promise<AdapterReport> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('No WebGPU adapter: is a GPU driver (Vulkan on Linux) installed and WebGPU enabled?');
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') limits[key] = v;
  }
  return {
    description:
      [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter',
    fallback: Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter),
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}
