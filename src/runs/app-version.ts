// The app's version (package.json), recorded in every run and bundle.
import { version } from '../../package.json';

export const APP_VERSION: string = version;
