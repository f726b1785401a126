// The video column: choose a video, see what the container says, choose how Video-R2 samples it, and see the
// exact frames, grid and token count the model will get.
import { useEffect, useRef } from 'react';
import { useApp } from '../state/store';
import { VideoPlayer } from '../ui/VideoPlayer';
import { FrameStrip } from '../ui/FrameStrip';
import { ProgressBar } from '../ui/ProgressBar';
import { Stat } from '../ui/Stat';
import { HiddenFileInput } from '../ui/fields';
import { formatBytes, formatClock, formatCount } from '../lib/format';
import { SamplingSettingsForm } from './SamplingSettingsForm';
import { PlayerAttention } from './inspector/PlayerAttention';
import { useStripMaps } from './inspector/StripMaps';

const ACCEPT = 'video/*,.mp4,.mov,.m4v,.webm,.mkv';

/**
 * The container's rotation as people read it: the turn applied to the stored picture, with its direction
 * (`rotation` is clockwise degrees). ffprobe prints the display matrix angle counter-clockwise, so a phone video
 * turned 90° clockwise shows "rotation: -90" there; the tooltip gives that number too.
 */
export function rotationLabel(rotation: number): { text: string; title: string } {
  const ffprobe = rotation === 0 ? 0 : rotation === 180 ? 180 : rotation === 90 ? -90 : 90;
  const text =
    rotation === 180 ? 'rotated 180°' : rotation === 90 ? 'rotated 90° clockwise' : 'rotated 90° counter-clockwise';
  return {
    text,
    title: `The file asks players to turn the stored picture ${text.replace('rotated ', '')} (ffprobe: rotation ${ffprobe}); the size shown is after turning.`,
  };
}

export function VideoPanel() {
  const video = useApp((s) => s.video);
  const openVideo = useApp((s) => s.openVideo);
  const openSampleVideo = useApp((s) => s.openSampleVideo);
  const seekVideo = useApp((s) => s.seekVideo);
  const dismissVideoError = useApp((s) => s.dismissVideoError);
  const stripMaps = useStripMaps();
  const input = useRef<HTMLInputElement>(null);
  const chooseButton = useRef<HTMLButtonElement>(null);
  const { metadata: m, plan } = video;
  // Opening a video replaces the drop area (and the button that was used) with the player: keep keyboard focus
  // on the same action in the panel head instead of letting it fall to the page body.
  const fileOpened = video.file !== null;
  useEffect(() => {
    if (fileOpened && (document.activeElement === null || document.activeElement === document.body))
      chooseButton.current?.focus();
  }, [fileOpened, video.file]);

  const picker = (
    <>
      <HiddenFileInput ref={input} accept={ACCEPT} data-testid="video-input" onFile={(f) => void openVideo(f)} />
      <button type="button" ref={video.file ? chooseButton : undefined} onClick={() => input.current?.click()}>
        Choose video…
      </button>
      <button type="button" onClick={() => void openSampleVideo()}>
        Use the sample video
      </button>
    </>
  );

  return (
    <section className="panel video-panel" aria-label="Video">
      <div className="panel-head">
        <h2>Video</h2>
        {video.file ? <div className="row">{picker}</div> : null}
      </div>
      {video.error ? (
        <div className="error-box video-error" role="alert" data-testid="video-error" data-code={video.error.code}>
          <span>{video.error.message}</span>
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={dismissVideoError}>
            ×
          </button>
        </div>
      ) : null}
      {!video.file ? (
        <div className="drop-area">
          <p>
            <strong>Drop a video anywhere on this page</strong>
            <br />
            <span className="muted">
              MP4, MOV, M4V, WebM or MKV (H.264, VP9 or AV1). It is decoded here and never uploaded.
            </span>
          </p>
          <div className="row">{picker}</div>
          {video.status === 'opening' && video.progress ? (
            <ProgressBar label={video.progress.label} done={video.progress.fraction} total={1} />
          ) : null}
        </div>
      ) : (
        <>
          {video.url ? (
            <div className="player-wrap">
              <VideoPlayer url={video.url} seekRequest={video.seekRequest} label={video.file.name} />
              <PlayerAttention />
            </div>
          ) : null}
          {m ? (
            <div className="meta-row" data-testid="video-meta">
              <Stat label="File" title={m.fileName}>
                {m.fileName}
              </Stat>
              <Stat label="Duration">{formatClock(m.durationSeconds, 2)}</Stat>
              <Stat label="Size" title={m.rotation ? rotationLabel(m.rotation).title : undefined}>
                {m.width}×{m.height}
                {m.rotation ? ` (${rotationLabel(m.rotation).text})` : ''}
              </Stat>
              <Stat label="Codec" title={m.codec}>
                {m.codecName} · {m.containerLabel}
              </Stat>
              <Stat
                label="Frame rate"
                title={
                  m.variableFrameRate ? 'Variable frame rate: Video-R2 indexes frames by the average rate' : undefined
                }
              >
                {m.averageFps.toFixed(3).replace(/\.?0+$/, '')} fps{m.variableFrameRate ? ' (VFR)' : ''}
              </Stat>
              <Stat label="Frames">{formatCount(m.frameCount)}</Stat>
              <Stat label="File size">{formatBytes(m.fileSize)}</Stat>
            </div>
          ) : null}
          {m?.warnings.length ? <div className="warn-box">{m.warnings.join(' ')}</div> : null}
          <SamplingSettingsForm />
          {video.progress ? (
            <ProgressBar label={video.progress.label} done={video.progress.fraction} total={1} />
          ) : null}
          {plan ? (
            <>
              <div className="meta-row grid-row" data-testid="grid-summary">
                <Stat label="Frames sampled">{plan.nframes}</Stat>
                <Stat label="Model frame size">
                  {plan.resized.width}×{plan.resized.height}
                </Stat>
                <Stat label="video_grid_thw">
                  ({plan.grid.t}, {plan.grid.h}, {plan.grid.w})
                </Stat>
                <Stat label="Video tokens">{formatCount(plan.grid.tokens)}</Stat>
                <Stat label="second_per_grid_ts" title="2 / sample fps, as float32">
                  {plan.secondPerGridT.toPrecision(6).replace(/\.?0+$/, '')}
                </Stat>
                <Stat label="Sample fps">{plan.sampleFps.toPrecision(4).replace(/\.?0+$/, '')}</Stat>
              </div>
              {/* After a failed decode no more frames will come: show what arrived, not empty slots. */}
              {video.status === 'error' && video.frames.length === 0 ? null : (
                <FrameStrip
                  frames={video.frames}
                  expected={video.status === 'error' ? video.frames.length : plan.nframes}
                  frameSize={plan.resized}
                  averageFps={plan.videoFps}
                  startTime={m?.firstFrameTime ?? 0}
                  onSeek={seekVideo}
                  overlay={stripMaps}
                />
              )}
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
