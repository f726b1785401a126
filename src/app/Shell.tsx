// The page: top bar, the video column, and the ask / answer column. Drop a video anywhere.
import { TopBar } from './TopBar';
import { VideoPanel } from './VideoPanel';
import { AskPanel } from './AskPanel';
import { TranscriptPanel } from './TranscriptPanel';
import { PageDropZone } from './PageDropZone';

export function Shell() {
  return (
    <PageDropZone>
      <div className="shell">
        <TopBar />
        <main className="columns">
          <VideoPanel />
          <div className="right-column">
            <AskPanel />
            <TranscriptPanel />
          </div>
        </main>
      </div>
    </PageDropZone>
  );
}
