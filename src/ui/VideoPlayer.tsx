// The user's own video, played by the browser; seek requests come from cited times and frame clicks.
import { useEffect, useRef } from 'react';

export function VideoPlayer({
  url,
  seekRequest,
  label,
}: {
  url: string;
  seekRequest: { seconds: number; nonce: number } | null;
  label: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v || !seekRequest) return;
    v.currentTime = seekRequest.seconds;
    v.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [seekRequest]);
  return <video ref={ref} className="player" src={url} controls preload="metadata" aria-label={label} />;
}
