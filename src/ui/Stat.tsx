// A small label/value pair for metadata rows.
import type { ReactNode } from 'react';
import './ui.css';

export function Stat({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <div className="stat" title={title}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{children}</span>
    </div>
  );
}
