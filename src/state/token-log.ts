// The tokens of the current run, outside React state: appended at decode rate, read by views through
// subscriptions (ARCHITECTURE.md, principle 7), so a 2,000-token answer never re-renders the whole tree per token.
import type { AttentionTap } from '../protocol/engine';

export interface TokenRecord {
  step: number;
  id: number;
  text: string;
  /** Wall time of this decode step as measured by the engine. */
  ms: number;
  /** Character offset of this token's text in the transcript. */
  start: number;
  attention?: AttentionTap;
}

type Listener = (log: TokenLog) => void;

export class TokenLog {
  readonly tokens: TokenRecord[] = [];
  text = '';
  private readonly listeners = new Set<Listener>();
  private scheduled = false;

  append(t: Omit<TokenRecord, 'start'>): void {
    this.tokens.push({ ...t, start: this.text.length });
    this.text += t.text;
    this.schedule();
  }

  clear(): void {
    this.tokens.length = 0;
    this.text = '';
    this.notify();
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Coalesce notifications to one per animation frame (or microtask where there are no frames). */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.notify();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else queueMicrotask(run);
  }

  private notify(): void {
    for (const fn of this.listeners) fn(this);
  }
}
