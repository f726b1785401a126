// What the run will allocate on the GPU, from the checkpoint's config.json and the video setting, shown before
// anything is downloaded (only config.json is read).
import { useEffect } from 'react';
import { useApp } from '../state/store';
import { Collapsible } from '../ui/Collapsible';
import { formatBytes } from '../lib/format';

export function MemoryPlanView() {
  const selectedId = useApp((s) => s.model.selectedId);
  const options = useApp((s) => s.model.options);
  const plan = useApp((s) => s.video.plan);
  const maxNewTokens = useApp((s) => s.params.maxNewTokens);
  const result = useApp((s) => s.memoryPlan);
  const refresh = useApp((s) => s.refreshMemoryPlan);
  // After a load the plan is recomputed from the checkpoint's own config instead of the bundled one.
  const loadedId = useApp((s) => s.model.summary?.id ?? null);

  useEffect(() => {
    const timer = setTimeout(() => void refresh(), 200);
    return () => clearTimeout(timer);
  }, [selectedId, loadedId, options, plan, maxNewTokens, refresh]);

  if (result.error) return <p className="muted plan-note">Memory plan unavailable: {result.error}</p>;
  const p = result.plan;
  if (!p) return null;
  return (
    <Collapsible
      title="GPU memory plan"
      summary={
        <span
          className={p.fits ? undefined : 'plan-bad'}
        >{`${formatBytes(p.totalBytes)}${p.fits ? '' : ' — does not fit'}`}</span>
      }
    >
      <table className="plan-table" data-testid="memory-plan">
        <tbody>
          {p.lines.map((l) => (
            <tr key={l.label}>
              <td>{l.label}</td>
              <td className="num">{formatBytes(l.bytes)}</td>
            </tr>
          ))}
          <tr className="total">
            <td>Total</td>
            <td className="num">{formatBytes(p.totalBytes)}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted plan-note">
        Largest single buffer {formatBytes(p.largestBufferBytes)}. Browsers do not report total GPU memory; on laptops
        with shared memory, keep the total well below your RAM.
      </p>
      {p.note ? <p className="muted plan-note">{p.note}</p> : null}
      {p.advice ? <div className="warn-box">{p.advice}</div> : null}
    </Collapsible>
  );
}
