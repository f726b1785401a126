// Drop a video (or a .srt / .vtt subtitle file) anywhere on the page.
import { useEffect, useState, type ReactNode } from 'react';
import { useApp } from '../state/store';

const isSubtitle = (f: File) => /\.(srt|vtt)$/i.test(f.name);

export function PageDropZone({ children }: { children: ReactNode }) {
  const openVideo = useApp((s) => s.openVideo);
  const setSubtitleFile = useApp((s) => s.setSubtitleFile);
  const [over, setOver] = useState(false);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      const sub = files.find(isSubtitle);
      const video = files.find((f) => !isSubtitle(f));
      if (sub) void setSubtitleFile(sub);
      if (video) void openVideo(video);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, [openVideo, setSubtitleFile]);

  return (
    <>
      {children}
      {over ? (
        <div className="drop-overlay" aria-hidden>
          Drop a video (MP4, MOV, WebM, MKV) or a subtitle file (.srt, .vtt)
        </div>
      ) : null}
    </>
  );
}
