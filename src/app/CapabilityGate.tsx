// Checks the platform before the app mounts its panels: a specific message instead of a blank screen.
import { useEffect, type ReactNode } from 'react';
import { useApp } from '../state/store';

export function CapabilityGate({ children }: { children: ReactNode }) {
  const env = useApp((s) => s.env);
  const checkEnv = useApp((s) => s.checkEnv);
  useEffect(() => {
    void checkEnv();
  }, [checkEnv]);

  if (env.status === 'checking') {
    return (
      <div className="gate" aria-busy="true">
        <p className="muted">Checking WebGPU and WebCodecs…</p>
      </div>
    );
  }
  if (env.status === 'unsupported') {
    return (
      <div className="gate">
        <div className="error-box gate-box" role="alert">
          <h1>This browser cannot run Video-R2 Web</h1>
          <p>Everything runs on your own GPU, so the app needs a few browser features that are missing here:</p>
          <ul>
            {env.problems.map((p) => (
              <li key={p.feature}>
                <strong>{p.feature}</strong>: {p.detail}
              </li>
            ))}
          </ul>
          <p>Your video would never leave your machine; nothing was uploaded.</p>
        </div>
      </div>
    );
  }
  return <>{children}</>;
}
