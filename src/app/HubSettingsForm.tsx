// Hub endpoint, pinned revision and access token (see state/hub-settings.ts). Edited in a draft; Save applies it.
import { useState } from 'react';
import { useApp } from '../state/store';
import { DEFAULT_HUB, hubSettingsProblem, type HubSettings } from '../state/hub-settings';

export function HubSettingsForm() {
  const hub = useApp((s) => s.hub);
  const setHubSettings = useApp((s) => s.setHubSettings);
  const busy = useApp((s) => s.model.status === 'loading');
  const [draft, setDraft] = useState<HubSettings>(hub);
  const problem = hubSettingsProblem(draft);
  const changed = JSON.stringify(draft) !== JSON.stringify(hub);
  const host = (() => {
    try {
      return new URL(draft.endpoint).host;
    } catch {
      return 'the endpoint';
    }
  })();
  const field = (k: keyof HubSettings) => ({
    value: draft[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [k]: e.target.value }),
  });

  return (
    <details className="hub-settings">
      <summary>
        Hub
        {hub.endpoint !== DEFAULT_HUB.endpoint || hub.revision !== DEFAULT_HUB.revision
          ? ` · ${new URL(hub.endpoint).host}@${hub.revision}`
          : ''}
        {hub.token ? ' · token' : ''}
      </summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!problem)
            setHubSettings({
              ...draft,
              endpoint: draft.endpoint.trim().replace(/\/+$/, ''),
              revision: draft.revision.trim(),
            });
        }}
      >
        <label>
          Endpoint <input type="url" {...field('endpoint')} placeholder={DEFAULT_HUB.endpoint} />
        </label>
        <label>
          Revision <input type="text" {...field('revision')} placeholder="main, a tag or a commit" />
        </label>
        <label>
          Access token{' '}
          <input type="password" autoComplete="off" {...field('token')} placeholder="hf_… (gated or private repos)" />
        </label>
        <p className="muted hub-note">The token stays in this browser and is sent only to {host}.</p>
        {problem ? (
          <p className="error-text" role="status">
            {problem}
          </p>
        ) : null}
        <div className="hub-actions">
          <button type="submit" disabled={!!problem || !changed || busy}>
            Save
          </button>
          <button type="button" disabled={busy} onClick={() => setDraft({ ...DEFAULT_HUB })}>
            Defaults
          </button>
        </div>
      </form>
    </details>
  );
}
