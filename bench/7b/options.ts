// Settings of the synthetic-7B benchmark. The defaults are the demo setting on a real GPU (the whole model, 32
// frames at 588×336 = 16,128 patches / 4,032 video tokens, a ≈ 4,100-token prompt, 128 new tokens); on a software
// adapter (SwiftShader, llvmpipe, WARP) the defaults shrink so a run takes minutes. Any flag overrides either.

export interface Bench7bOptions {
  /** Decoder layers built (of the config's 28). */
  layers: number;
  /** Vision blocks built (of 32); the last one built uses full attention, like blocks 7/15/23/31 of the 7B. */
  visionDepth: number;
  frames: number;
  height: number;
  width: number;
  /** Source frame size fed to the GPU preprocessor (RGBA8). */
  sourceWidth: number;
  sourceHeight: number;
  /** Rows of embed_tokens and lm_head (152,064 in the 7B; fewer on a software adapter, special ids moved down). */
  vocab: number;
  /** Text tokens around the video span (system prompt, question, answer format). */
  textTokens: number;
  decode: number;
  copyMiB: number;
  copyReps: number;
  matmul: number;
  matmulReps: number;
  seed: number;
}

export const FULL: Bench7bOptions = {
  layers: 28,
  visionDepth: 32,
  frames: 32,
  height: 336,
  width: 588,
  sourceWidth: 1920,
  sourceHeight: 1080,
  vocab: 152064,
  textTokens: 68,
  decode: 128,
  copyMiB: 1024,
  copyReps: 20,
  matmul: 4096,
  matmulReps: 5,
  seed: 1,
};

/**
 * A software adapter: one layer and one block at the real widths, a 8,192-row vocabulary (generating the 7B's
 * 2 × 545 M embedding and lm_head values takes SwiftShader ~10 minutes), one frame pair, a few tokens.
 */
export const SOFTWARE: Bench7bOptions = {
  ...FULL,
  layers: 1,
  visionDepth: 1,
  vocab: 8192,
  frames: 2,
  sourceWidth: 640,
  sourceHeight: 360,
  textTokens: 64,
  decode: 4,
  copyMiB: 64,
  copyReps: 3,
  matmul: 512,
  matmulReps: 2,
};

const FLAGS: Record<string, keyof Bench7bOptions> = {
  layers: 'layers',
  'vision-depth': 'visionDepth',
  frames: 'frames',
  height: 'height',
  width: 'width',
  'source-width': 'sourceWidth',
  'source-height': 'sourceHeight',
  vocab: 'vocab',
  'text-tokens': 'textTokens',
  decode: 'decode',
  'copy-mib': 'copyMiB',
  'copy-reps': 'copyReps',
  matmul: 'matmul',
  'matmul-reps': 'matmulReps',
  seed: 'seed',
};

export const HELP = `synthetic Qwen2.5-VL-7B benchmark (weights generated on the GPU; nothing downloaded)
  --preset full|software     defaults (auto: software on a software adapter, else full)
${Object.keys(FLAGS)
  .map((f) => `  --${f} N`)
  .join('\n')}
full:     ${JSON.stringify(FULL)}
software: ${JSON.stringify(SOFTWARE)}`;

/** Parses `--name value` pairs (Node argv or the page's query string turned into argv). */
export function parseBenchArgs(
  argv: readonly string[],
  softwareAdapter: boolean,
): { options: Bench7bOptions; preset: string } {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"\n${HELP}`);
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    values.set(name, value);
  }
  const presetName = values.get('preset') ?? (softwareAdapter ? 'software' : 'full');
  if (presetName !== 'full' && presetName !== 'software')
    throw new Error(`--preset ${presetName}: expected full or software`);
  values.delete('preset');
  const options = { ...(presetName === 'full' ? FULL : SOFTWARE) };
  for (const [name, value] of values) {
    const key = FLAGS[name];
    if (!key) throw new Error(`unknown flag --${name}\n${HELP}`);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${value}: expected a positive integer`);
    options[key] = n;
  }
  if (options.decode < 2) throw new Error('--decode must be at least 2 (step 0 belongs to the prompt)');
  if (options.frames % 2 !== 0) throw new Error('--frames must be even (two frames per temporal patch)');
  return { options, preset: presetName };
}

/** SwiftShader, llvmpipe, WARP and other CPU rasterizers. */
export function isSoftwareAdapter(description: string, fallback: boolean): boolean {
  return fallback || /swiftshader|llvmpipe|lavapipe|warp|software|cpu/i.test(description);
}
