// Light/dark theme: 'system' follows prefers-color-scheme; 'light' / 'dark' pin it. The choice is kept in
// localStorage and applied as `data-theme` on <html> (global.css maps it onto color-scheme).

export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'video-r2-theme';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function storedTheme(): ThemeChoice {
  try {
    const v = globalThis.localStorage?.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system'; // storage blocked (private mode, sandboxed frame)
  }
}

export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset['theme'];
  else root.dataset['theme'] = choice;
  try {
    if (choice === 'system') globalThis.localStorage?.removeItem(KEY);
    else globalThis.localStorage?.setItem(KEY, choice);
  } catch {
    // not persisted; the choice still holds for this page
  }
}
