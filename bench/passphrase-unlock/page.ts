/** The benchmark page: bench/passphrase-unlock.ts drives it through `window.satchelPassphraseBench`. */
import { measureUnlock } from './measure';

declare global {
  interface Window {
    satchelPassphraseBench: { measureUnlock: typeof measureUnlock };
  }
}

window.satchelPassphraseBench = { measureUnlock };
