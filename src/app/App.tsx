import { CapabilityGate } from './CapabilityGate';
import { ErrorBoundary } from './ErrorBoundary';
import { Shell } from './Shell';
import './app.css';

export function App() {
  return (
    <ErrorBoundary>
      <CapabilityGate>
        <Shell />
      </CapabilityGate>
    </ErrorBoundary>
  );
}
