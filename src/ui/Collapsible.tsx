// A disclosure section that keeps its content mounted state out of the parent.
import { useState, type ReactNode } from 'react';
import './ui.css';

export function Collapsible({
  title,
  summary,
  children,
  defaultOpen = false,
}: {
  title: string;
  summary?: ReactNode;
  children: ReactNode;
  defaultOpen?: boolean;
}) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <div className="collapsible">
      <button type="button" className="collapsible-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="chevron">{open ? '▾' : '▸'}</span>
        <span>{title}</span>
        {!open && summary ? <span className="collapsible-summary muted">{summary}</span> : null}
      </button>
      {open ? <div className="collapsible-body">{children}</div> : null}
    </div>
  );
}
