// Last line of defence: a rendering bug shows what happened and how to recover, not a blank page.
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="gate">
        <div className="error-box gate-box" role="alert">
          <h1>Something went wrong in the page</h1>
          <p>{this.state.error.message}</p>
          <p>Your video and model stay on this machine. Reloading the page starts over; the model cache is kept.</p>
          <button onClick={() => location.reload()}>Reload</button>
        </div>
      </div>
    );
  }
}
