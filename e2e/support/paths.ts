// Where the e2e suite finds its inputs and writes what it produces (all under the gitignored e2e/.artifacts/).
import { resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
/** The media fixture generator's output folder (shared with the Vitest browser project). */
export const FIXTURE_DIR = resolve(REPO, 'e2e/.artifacts/videos');
export const SCREENSHOT_DIR = resolve(REPO, 'e2e/.artifacts/screenshots');
