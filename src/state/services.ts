// Long-lived clients a store talks to. The app's store uses the browser's workers (created on first use); tests
// build a store with fakes.
import { EngineClient } from '../engine-client/engine-client';
import { MediaClient } from '../media';

export interface Services {
  engine(): EngineClient;
  media(): MediaClient;
}

/** Workers created on first use, one of each per page. */
export function browserServices(): Services {
  let engine: EngineClient | null = null;
  let media: MediaClient | null = null;
  return {
    engine: () => (engine ??= EngineClient.create()),
    media: () => (media ??= new MediaClient()),
  };
}
