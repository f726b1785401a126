// Media worker entry: demux, decode and burn-in off the main thread. All logic lives in src/media/worker-host.ts.

import { MediaWorkerHost } from '../media/worker-host';
import type { MediaEvent, MediaRequest } from '../media/protocol';

const scope = self as unknown as {
  postMessage(message: MediaEvent, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<MediaRequest>) => void) | null;
};
const host = new MediaWorkerHost((event, transfer) => scope.postMessage(event, transfer ?? []));
scope.onmessage = (e) => host.handle(e.data);
