// npm run quantize-folder -- <checkpoint folder> <output folder> [--model-id owner/name] [--revision main]
//                                                              [--quantization q4|q8]
// Quantizes a Hugging Face Qwen2.5-VL checkpoint on disk to the quantized folder the app exports from its cache
// (docs/quantized-folder.md) and writes it to <output folder>/<cache key>/. Load it in the app with
// Model → Local folder…: no download, no quantizing.
import { existsSync, openAsBlob } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { openCheckpoint } from '../../src/engine/weights/checkpoint';
import { BlobSource } from '../../src/engine/weights/source';
import { formatBytes } from '../../src/engine/weights/errors';
import { writeQuantizedFolder } from './host-quantizer';
import { nodeDirectory } from './node-directory';

export class NodeFolderSource extends BlobSource {
  constructor(private readonly root: string) {
    super(`folder ${root}`);
  }
  protected async blob(path: string): Promise<Blob | null> {
    const p = join(this.root, path);
    return existsSync(p) ? openAsBlob(p) : null;
  }
}

const USAGE =
  'usage: npm run quantize-folder -- <checkpoint folder> <output folder> [--model-id owner/name] [--revision main] [--quantization q4|q8]';

export async function main(argv: string[]): Promise<number> {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const v = argv[++i];
      if (v === undefined) return (console.error(`${a} needs a value\n${USAGE}`), 2);
      flags[a.slice(2)] = v;
    } else positional.push(a);
  }
  const unknown = Object.keys(flags).filter((f) => !['model-id', 'revision', 'quantization'].includes(f));
  if (positional.length !== 2 || unknown.length)
    return (console.error(`${unknown.length ? `unknown option --${unknown[0]}\n` : ''}${USAGE}`), 2);
  const [input, output] = positional.map((p) => resolve(p)) as [string, string];
  const quantization = flags.quantization ?? 'q4';
  if (quantization !== 'q4' && quantization !== 'q8')
    return (console.error(`--quantization ${quantization}: must be q4 or q8 (16-bit weights are not cached)`), 2);
  const started = Date.now();
  const ckpt = await openCheckpoint(new NodeFolderSource(input));
  const key = await writeQuantizedFolder(ckpt, await nodeDirectory(output), {
    modelId: flags['model-id'] ?? basename(input),
    revision: flags.revision ?? 'main',
    quantization,
    sourceLabel: `local folder ${basename(input)}`,
    onTensor: (label, i, n) => {
      if (process.stdout.isTTY) process.stdout.write(`\r${i}/${n} ${label}`.padEnd(80).slice(0, 80));
    },
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.log(
    `wrote ${join(output, key)} (${formatBytes(ckpt.progress.bytesTotal)} read) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}
