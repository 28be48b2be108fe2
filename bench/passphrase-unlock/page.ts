/** The benchmark page: bench/passphrase-unlock.ts drives it through `window.satchelBench`. */
import { measureUnlock } from './measure';

declare global {
  interface Window {
    satchelBench: { measureUnlock: typeof measureUnlock };
  }
}

window.satchelBench = { measureUnlock };
