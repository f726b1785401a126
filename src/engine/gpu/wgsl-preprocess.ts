// A tiny preprocessor for WGSL: `#include "path"`, and `#if NAME` / `#if !NAME` / `#elif [!]NAME` /
// `#else` / `#endif` on boolean defines. Numbers are specialized with WGSL `override` constants instead,
// so the two together are the one specialization mechanism (and the pipeline cache key).

export type Defines = Readonly<Record<string, boolean>>;

export function preprocessWgsl(
  source: string,
  defines: Defines,
  resolveInclude: (path: string) => string,
  fileName = '<shader>',
): string {
  const included = new Set<string>();
  const expand = (text: string, file: string, depth: number): string[] => {
    if (depth > 8) throw new Error(`WGSL include depth exceeded at ${file}`);
    const out: string[] = [];
    // Each frame: is this branch emitting, has any branch of this #if been taken, is the parent emitting.
    const stack: { active: boolean; taken: boolean; parent: boolean }[] = [];
    const emitting = () => (stack.length === 0 ? true : stack[stack.length - 1]!.active);
    const evalCond = (expr: string, where: string): boolean => {
      const m = /^(!?)\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr.trim());
      if (!m) throw new Error(`${where}: unsupported #if expression "${expr}" (use NAME or !NAME)`);
      const name = m[2]!;
      if (!(name in defines)) throw new Error(`${where}: define "${name}" was not given`);
      return m[1] === '!' ? !defines[name] : Boolean(defines[name]);
    };
    text.split('\n').forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      const t = line.trim();
      if (t.startsWith('#if ')) {
        const parent = emitting();
        const c = parent && evalCond(t.slice(4), where);
        stack.push({ active: c, taken: c, parent });
      } else if (t.startsWith('#elif ')) {
        const top = stack[stack.length - 1];
        if (!top) throw new Error(`${where}: #elif without #if`);
        const c = top.parent && !top.taken && evalCond(t.slice(6), where);
        top.active = c;
        top.taken ||= c;
      } else if (t === '#else') {
        const top = stack[stack.length - 1];
        if (!top) throw new Error(`${where}: #else without #if`);
        top.active = top.parent && !top.taken;
        top.taken = true;
      } else if (t === '#endif') {
        if (!stack.pop()) throw new Error(`${where}: #endif without #if`);
      } else if (t.startsWith('#include ')) {
        if (!emitting()) return;
        const m = /^#include\s+"([^"]+)"$/.exec(t);
        if (!m) throw new Error(`${where}: malformed #include`);
        const path = m[1]!;
        if (included.has(path)) return;
        included.add(path);
        out.push(...expand(resolveInclude(path), path, depth + 1));
      } else if (t.startsWith('#')) {
        throw new Error(`${where}: unknown directive "${t}"`);
      } else if (emitting()) {
        out.push(line);
      }
    });
    if (stack.length) throw new Error(`${file}: unterminated #if`);
    return out;
  };
  return expand(source, fileName, 0).join('\n');
}
