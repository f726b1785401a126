// System / light / dark, as a small select in the top bar.
import { useState } from 'react';
import { applyTheme, storedTheme, THEME_CHOICES, type ThemeChoice } from './theme';

const LABELS: Record<ThemeChoice, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <select
      className="theme-toggle"
      aria-label="Colour theme"
      value={choice}
      onChange={(e) => {
        const next = e.target.value as ThemeChoice;
        applyTheme(next);
        setChoice(next);
      }}
    >
      {THEME_CHOICES.map((c) => (
        <option key={c} value={c}>
          {LABELS[c]}
        </option>
      ))}
    </select>
  );
}
