// The question, the Video-R2 reasoning instruction, decoding settings, and Run / Stop.
import { useApp } from '../state/store';
import { Collapsible } from '../ui/Collapsible';
import { CheckField, NumberField, NumberSettings, type NumberSetting } from '../ui/fields';
import { readNumber } from '../ui/read-number';
import { ProgressBar } from '../ui/ProgressBar';
import { VIDEO_R2_REASONING_SUFFIX, DEFAULT_SYSTEM_PROMPT } from '../state/prompts';
import { phaseLabel } from './labels';
import { MemoryPlanView } from './MemoryPlanView';

export function AskPanel() {
  const prompt = useApp((s) => s.prompt);
  const params = useApp((s) => s.params);
  const attention = useApp((s) => s.attention);
  const run = useApp((s) => s.run);
  const videoReady = useApp((s) => s.video.status === 'ready');
  const planAdvice = useApp((s) => (s.memoryPlan.plan && !s.memoryPlan.plan.fits ? s.memoryPlan.plan.advice : null));
  const canRun = videoReady && !planAdvice;
  const setPrompt = useApp((s) => s.setPrompt);
  const setParams = useApp((s) => s.setParams);
  const setAttention = useApp((s) => s.setAttention);
  const tapLayer = useApp((s) => s.tapLayer);
  const setTapLayer = useApp((s) => s.setTapLayer);
  const layers = useApp((s) => s.model.summary?.textLayers ?? null);
  const lastLayer = layers !== null ? layers - 1 : null;
  const startRun = useApp((s) => s.startRun);
  const stopRun = useApp((s) => s.stopRun);
  const active = run.status === 'preparing' || run.status === 'running';

  return (
    <section className="panel ask-panel" aria-label="Ask">
      <h2>Ask</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void startRun();
        }}
      >
        <label className="field">
          <span>Question</span>
          <textarea
            rows={3}
            value={prompt.question}
            onChange={(e) => setPrompt({ question: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                void startRun();
              }
            }}
          />
        </label>
        <Collapsible
          title="Reasoning instruction"
          summary={prompt.suffix === VIDEO_R2_REASONING_SUFFIX ? 'Video-R2 default' : prompt.suffix ? 'edited' : 'none'}
        >
          <textarea
            rows={6}
            aria-label="Reasoning instruction"
            value={prompt.suffix}
            onChange={(e) => setPrompt({ suffix: e.target.value })}
          />
          <div className="row">
            <button type="button" onClick={() => setPrompt({ suffix: VIDEO_R2_REASONING_SUFFIX })}>
              Video-R2 default
            </button>
            <button type="button" onClick={() => setPrompt({ suffix: '' })}>
              None
            </button>
          </div>
        </Collapsible>
        <Collapsible title="System prompt" summary={prompt.system === DEFAULT_SYSTEM_PROMPT ? 'default' : 'edited'}>
          <textarea
            rows={2}
            aria-label="System prompt"
            value={prompt.system}
            onChange={(e) => setPrompt({ system: e.target.value })}
          />
        </Collapsible>
        <Collapsible
          title="Decoding"
          summary={
            params.doSample
              ? `sampling T=${params.temperature} top-k ${params.topK} top-p ${params.topP}`
              : `greedy · repetition ${params.repetitionPenalty} · ≤ ${params.maxNewTokens} tokens`
          }
        >
          <div className="grid-fields">
            <NumberSettings settings={DECODING} values={params} onChange={setParams} />
            <CheckField
              label="Sample (otherwise greedy, as top_k = 1 makes the demo)"
              checked={params.doSample}
              onChecked={(doSample) => setParams({ doSample })}
            />
            {params.doSample ? <NumberSettings settings={SAMPLING} values={params} onChange={setParams} /> : null}
          </div>
          <CheckField
            label="Record attention to the video for every token"
            checked={attention}
            onChecked={setAttention}
          />
          {attention ? (
            <NumberField
              label="Attention of layer (empty: the final layer, as the paper’s Figure 1)"
              className="tap-layer"
              min={0}
              max={lastLayer ?? undefined}
              placeholder={lastLayer !== null ? `final (${lastLayer})` : 'final'}
              value={tapLayer ?? ''}
              onValue={(v) => setTapLayer(readNumber(v, { ...TAP_LAYER, max: lastLayer ?? TAP_LAYER.max }, tapLayer))}
            />
          ) : null}
        </Collapsible>
        <MemoryPlanView />
        <div className="row run-row">
          {active ? (
            <button type="button" className="danger" onClick={stopRun}>
              ■ Stop
            </button>
          ) : (
            <button
              type="submit"
              className="primary"
              disabled={!canRun}
              title={canRun ? 'Ctrl/⌘ + Enter' : (planAdvice ?? 'Choose a video first')}
            >
              ▶ Run
            </button>
          )}
          {run.status === 'preparing' || run.progress ? (
            <ProgressBar
              label={phaseLabel(run.progress?.phase)}
              done={run.progress?.done ?? 0}
              total={run.progress?.total ?? 0}
              detail={run.progress?.detail}
            />
          ) : null}
        </div>
        {run.status === 'error' && run.error ? (
          <div className="error-box" role="alert">
            {run.error}
          </div>
        ) : null}
      </form>
    </section>
  );
}

/** Decoding settings typed outside their range are clamped into it. */
const DECODING: readonly NumberSetting<'maxNewTokens' | 'repetitionPenalty'>[] = [
  { key: 'maxNewTokens', label: 'Max new tokens', min: 1, max: 32768, integer: true, clamp: true },
  { key: 'repetitionPenalty', label: 'Repetition penalty', step: 0.01, min: 1, max: 2, clamp: true },
];

const SAMPLING: readonly NumberSetting<'temperature' | 'topK' | 'topP' | 'seed'>[] = [
  { key: 'temperature', label: 'Temperature', step: 0.05, min: 0.01, max: 5, clamp: true },
  { key: 'topK', label: 'Top-k', min: 1, max: 1024, integer: true, clamp: true },
  { key: 'topP', label: 'Top-p', step: 0.01, min: 0.001, max: 1, clamp: true },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31 - 1, integer: true, clamp: true },
];

/** Empty: the final layer. Before a model is loaded the bound is the most layers we plan for. */
const TAP_LAYER = { min: 0, max: 1023, integer: true, clamp: true, optional: true };
