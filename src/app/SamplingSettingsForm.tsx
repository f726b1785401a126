// How Video-R2 samples the video: the demo's frame-count slider or the training/eval fps mode, the pixel budget,
// an optional time range, and the burn-in Video-R2 was trained with.
import { useRef } from 'react';
import { useApp } from '../state/store';
import { Collapsible } from '../ui/Collapsible';
import { DEFAULT_VIDEO_SETTINGS } from '../state/video-slice';

const num = (v: string): number | null => (v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v));

export function SamplingSettingsForm() {
  const s = useApp((st) => st.video.settings);
  const subtitles = useApp((st) => st.video.subtitles);
  const set = useApp((st) => st.setVideoSettings);
  const setSubtitleFile = useApp((st) => st.setSubtitleFile);
  const clearSubtitles = useApp((st) => st.clearSubtitles);
  const subtitleInput = useRef<HTMLInputElement>(null);
  const summary = `${s.countMode === 'nframes' ? `${s.nframes} frames` : `${s.fps} fps, ≤ ${s.fpsMaxFrames}`} · max ${s.maxPixels.toLocaleString('en-US')} px${s.burnTimestamps ? ' · timestamps' : ''}${s.burnSubtitles ? ' · subtitles' : ''}`;

  return (
    <Collapsible title="Sampling" summary={summary} defaultOpen>
      <div className="row">
        <label className="field check">
          <input
            type="radio"
            name="count-mode"
            checked={s.countMode === 'nframes'}
            onChange={() => set({ countMode: 'nframes' })}
          />
          <span>Fixed number of frames (demo)</span>
        </label>
        <label className="field check">
          <input
            type="radio"
            name="count-mode"
            checked={s.countMode === 'fps'}
            onChange={() => set({ countMode: 'fps' })}
          />
          <span>Frames per second (training / eval)</span>
        </label>
      </div>
      {s.countMode === 'nframes' ? (
        <label className="field">
          <span>Frames: {s.nframes} (rounded to even)</span>
          <input
            type="range"
            min={2}
            max={768}
            step={1}
            value={s.nframes}
            aria-label="Number of frames"
            onChange={(e) => set({ nframes: Number(e.target.value) })}
          />
        </label>
      ) : (
        <div className="grid-fields">
          <label className="field">
            <span>fps</span>
            <input
              type="number"
              min={0.1}
              max={60}
              step={0.1}
              value={s.fps}
              onChange={(e) => set({ fps: num(e.target.value) ?? s.fps })}
            />
          </label>
          <label className="field">
            <span>Max frames</span>
            <input
              type="number"
              min={4}
              max={768}
              value={s.fpsMaxFrames}
              onChange={(e) => set({ fpsMaxFrames: Math.round(num(e.target.value) ?? s.fpsMaxFrames) })}
            />
          </label>
        </div>
      )}
      <div className="grid-fields">
        <label className="field">
          <span>max_pixels</span>
          <input
            type="number"
            min={3136}
            step={784}
            value={s.maxPixels}
            onChange={(e) => set({ maxPixels: Math.round(num(e.target.value) ?? s.maxPixels) })}
          />
        </label>
        <label className="field">
          <span>min_pixels</span>
          <input
            type="number"
            min={3136}
            step={784}
            value={s.minPixels}
            onChange={(e) => set({ minPixels: Math.round(num(e.target.value) ?? s.minPixels) })}
          />
        </label>
        <label className="field">
          <span>Start (s)</span>
          <input
            type="number"
            min={0}
            step={0.1}
            placeholder="start"
            value={s.startTime ?? ''}
            onChange={(e) => set({ startTime: num(e.target.value) })}
          />
        </label>
        <label className="field">
          <span>End (s)</span>
          <input
            type="number"
            min={0}
            step={0.1}
            placeholder="end"
            value={s.endTime ?? ''}
            onChange={(e) => set({ endTime: num(e.target.value) })}
          />
        </label>
      </div>
      <div className="row">
        <label className="field check" title="HH:MM:SS in the top-left corner, as in Video-R2's training">
          <input
            type="checkbox"
            checked={s.burnTimestamps}
            onChange={(e) => set({ burnTimestamps: e.target.checked })}
          />
          <span>Burn in timestamps</span>
        </label>
        <label className="field check" title="Subtitle cues at the bottom, as in Video-R2's training">
          <input
            type="checkbox"
            checked={s.burnSubtitles}
            disabled={!subtitles}
            onChange={(e) => set({ burnSubtitles: e.target.checked })}
          />
          <span>Burn in subtitles</span>
        </label>
        <input
          ref={subtitleInput}
          type="file"
          accept=".srt,.vtt"
          hidden
          data-testid="subtitle-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void setSubtitleFile(f);
            e.target.value = '';
          }}
        />
        {/* A real button (a label around a hidden input cannot take keyboard focus). */}
        <button type="button" className="link-like subtitle-pick" onClick={() => subtitleInput.current?.click()}>
          {subtitles ? `${subtitles.fileName} (${subtitles.cues.length} cues)` : 'Add .srt / .vtt…'}
        </button>
        {subtitles ? (
          <button type="button" onClick={clearSubtitles}>
            Remove subtitles
          </button>
        ) : null}
        <label
          className="field check"
          title="decord, which Video-R2 uses, ignores rotation metadata; turn off to match it exactly"
        >
          <input type="checkbox" checked={s.applyRotation} onChange={(e) => set({ applyRotation: e.target.checked })} />
          <span>Apply rotation</span>
        </label>
        <button type="button" onClick={() => set(DEFAULT_VIDEO_SETTINGS)}>
          Reset
        </button>
      </div>
    </Collapsible>
  );
}
