// Long-lived clients owned by the store: created on first use.
import { EngineClient } from '../engine-client/engine-client';
import { MediaClient } from '../media';

let engine: EngineClient | null = null;
let media: MediaClient | null = null;

export const services = {
  engine(): EngineClient {
    engine ??= EngineClient.create();
    return engine;
  },
  media(): MediaClient {
    media ??= new MediaClient();
    return media;
  },
};
