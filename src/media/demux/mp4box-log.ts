// mp4box logs its parse problems with console.error/warn (Log.error reaches `onError` only for some calls). We
// handle damaged files ourselves, so while we parse, its messages are collected (they go into the error's detail
// when the file fails) instead of filling the console; anything it logs outside a parse is still shown.

import { Log } from 'mp4box';
import { MediaError } from '../errors';

type Sink = string[];
let sink: Sink | null = null;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const levels = ['error', 'warn', 'info'] as const;
  for (const level of levels) {
    const original = Log[level].bind(Log) as (module: string, msg?: string, extra?: unknown) => void;
    // Log is a plain mutable object; mp4box calls Log.error(...) through it, so replacing the method routes it.
    (Log as unknown as Record<string, unknown>)[level] = (module: string, msg?: string, extra?: unknown) => {
      if (level === 'error' && extra && typeof (extra as { onError?: unknown }).onError === 'function')
        return original(module, msg, extra);
      if (sink) sink.push(`${module}: ${msg ?? ''}`);
      else original(module, msg, extra);
    };
  }
}

/** Runs `parse` with mp4box's log collected; when it fails, the collected lines join the error's detail. */
export async function withMp4boxLog<T>(parse: () => Promise<T>): Promise<T> {
  install();
  const previous = sink;
  const mine: Sink = [];
  sink = mine;
  try {
    return await parse();
  } catch (e) {
    if (!(e instanceof MediaError) || mine.length === 0) throw e;
    throw new MediaError(e.code, e.message, [e.detail, 'mp4box:', ...mine.slice(0, 20)].filter(Boolean).join('\n'));
  } finally {
    sink = previous;
  }
}
