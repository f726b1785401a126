// How Video-R2 samples the video: the demo's frame-count slider or the training/eval fps mode, the pixel budget,
// an optional time range, and the burn-in Video-R2 was trained with.
import { useRef } from 'react';
import { useApp } from '../state/store';
import { Collapsible } from '../ui/Collapsible';
import { CheckField, HiddenFileInput, NumberSettings, type NumberSetting } from '../ui/fields';
import { DEFAULT_VIDEO_SETTINGS } from '../state/video-slice';

const COUNT_MODES = [
  ['nframes', 'Fixed number of frames (demo)'],
  ['fps', 'Frames per second (training / eval)'],
] as const;

/** Not clamped: the sampler checks what it is given and says what is wrong; the bounds guide the spinner. */
const FPS_MODE: readonly NumberSetting<'fps' | 'fpsMaxFrames'>[] = [
  { key: 'fps', label: 'fps', min: 0.1, max: 60, step: 0.1 },
  { key: 'fpsMaxFrames', label: 'Max frames', min: 4, max: 768, integer: true },
];

const SIZE_AND_RANGE: readonly NumberSetting<'maxPixels' | 'minPixels' | 'startTime' | 'endTime'>[] = [
  { key: 'maxPixels', label: 'max_pixels', min: 3136, step: 784, integer: true },
  { key: 'minPixels', label: 'min_pixels', min: 3136, step: 784, integer: true },
  { key: 'startTime', label: 'Start (s)', min: 0, step: 0.1, placeholder: 'start', optional: true },
  { key: 'endTime', label: 'End (s)', min: 0, step: 0.1, placeholder: 'end', optional: true },
];

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
        {COUNT_MODES.map(([mode, label]) => (
          <CheckField
            key={mode}
            type="radio"
            name="count-mode"
            label={label}
            checked={s.countMode === mode}
            onChecked={() => set({ countMode: mode })}
          />
        ))}
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
          <NumberSettings settings={FPS_MODE} values={s} onChange={set} />
        </div>
      )}
      <div className="grid-fields">
        <NumberSettings settings={SIZE_AND_RANGE} values={s} onChange={set} />
      </div>
      <div className="row">
        <CheckField
          title="HH:MM:SS in the top-left corner, as in Video-R2's training"
          label="Burn in timestamps"
          checked={s.burnTimestamps}
          onChecked={(burnTimestamps) => set({ burnTimestamps })}
        />
        <CheckField
          title="Subtitle cues at the bottom, as in Video-R2's training"
          label="Burn in subtitles"
          checked={s.burnSubtitles}
          disabled={!subtitles}
          onChecked={(burnSubtitles) => set({ burnSubtitles })}
        />
        <HiddenFileInput
          ref={subtitleInput}
          accept=".srt,.vtt"
          data-testid="subtitle-input"
          onFile={(f) => void setSubtitleFile(f)}
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
        <CheckField
          title="decord, which Video-R2 uses, ignores rotation metadata; turn off to match it exactly"
          label="Apply rotation"
          checked={s.applyRotation}
          onChecked={(applyRotation) => set({ applyRotation })}
        />
        <button type="button" onClick={() => set(DEFAULT_VIDEO_SETTINGS)}>
          Reset
        </button>
      </div>
    </Collapsible>
  );
}
