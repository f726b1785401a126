// The question, the Video-R2 reasoning instruction, decoding settings, and Run / Stop.
import { useApp } from '../state/store';
import { Collapsible } from '../ui/Collapsible';
import { CheckField, NumberField } from '../ui/fields';
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
            <NumberField
              label="Max new tokens"
              min={1}
              max={32768}
              value={params.maxNewTokens}
              onValue={(v) => setParams({ maxNewTokens: clampInt(v, 1, 32768, params.maxNewTokens) })}
            />
            <NumberField
              label="Repetition penalty"
              step={0.01}
              min={1}
              max={2}
              value={params.repetitionPenalty}
              onValue={(v) => setParams({ repetitionPenalty: clampNum(v, 1, 2, params.repetitionPenalty) })}
            />
            <CheckField
              label="Sample (otherwise greedy, as top_k = 1 makes the demo)"
              checked={params.doSample}
              onChecked={(doSample) => setParams({ doSample })}
            />
            {params.doSample ? (
              <>
                <NumberField
                  label="Temperature"
                  step={0.05}
                  min={0.01}
                  max={5}
                  value={params.temperature}
                  onValue={(v) => setParams({ temperature: clampNum(v, 0.01, 5, params.temperature) })}
                />
                <NumberField
                  label="Top-k"
                  min={1}
                  max={1024}
                  value={params.topK}
                  onValue={(v) => setParams({ topK: clampInt(v, 1, 1024, params.topK) })}
                />
                <NumberField
                  label="Top-p"
                  step={0.01}
                  min={0.001}
                  max={1}
                  value={params.topP}
                  onValue={(v) => setParams({ topP: clampNum(v, 0.001, 1, params.topP) })}
                />
                <NumberField
                  label="Seed"
                  min={0}
                  value={params.seed}
                  onValue={(v) => setParams({ seed: clampInt(v, 0, 2 ** 31 - 1, params.seed) })}
                />
              </>
            ) : null}
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
              max={layers !== null ? layers - 1 : undefined}
              placeholder={layers !== null ? `final (${layers - 1})` : 'final'}
              value={tapLayer ?? ''}
              onValue={(v) => setTapLayer(v === '' ? null : clampInt(v, 0, layers !== null ? layers - 1 : 1023, 0))}
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

function clampInt(v: string, lo: number, hi: number, fallback: number): number {
  const n = Math.round(Number(v));
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
}

function clampNum(v: string, lo: number, hi: number, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
}
