// The page: top bar, the video column, and the ask / answer column. Drop a video anywhere.
import { TopBar } from './TopBar';
import { VideoPanel } from './VideoPanel';
import { AskPanel } from './AskPanel';
import { TranscriptPanel } from './TranscriptPanel';
import { PageDropZone } from './PageDropZone';
import { InspectorPanel } from './inspector/InspectorPanel';
import { SummaryPanel } from './inspector/SummaryPanel';
import { ComparePanel } from './inspector/ComparePanel';
import { useApp } from '../state/store';

export function Shell() {
  const fatal = useApp((s) => s.env.fatal);
  return (
    <PageDropZone>
      <div className="shell">
        <TopBar />
        {fatal ? (
          <div className="error-box fatal-banner" role="alert">
            {fatal} <button onClick={() => location.reload()}>Reload</button>
          </div>
        ) : null}
        <main className="columns">
          <div className="left-column">
            <VideoPanel />
            <InspectorPanel />
          </div>
          <div className="right-column">
            <AskPanel />
            <TranscriptPanel />
            <SummaryPanel />
            <ComparePanel />
          </div>
        </main>
      </div>
    </PageDropZone>
  );
}
