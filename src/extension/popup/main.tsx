import '../../ui/theme.css';
import { render } from 'preact';
import { Popup } from '../../ui/popup/popup';
import { createPageBridge } from '../page-bridge';

/** Longest the first frame waits for the last-known status; "Loading…" is better than nothing. */
const SNAPSHOT_WAIT_MS = 50;

// Where the page's own work starts, for bench/popup-paint.ts to split the time before it.
performance.mark('satchel:popup-script');
const root = document.getElementById('app');
if (!root) throw new Error('popup/index.html has no #app element');
const bridge = createPageBridge();
// The snapshot is a few ms away in storage.session: waiting for it puts the status in the first
// frame instead of a "Loading…" that a stopped worker would hold for a few hundred ms.
await Promise.race([
  bridge.snapshotRead,
  new Promise((resolve) => setTimeout(resolve, SNAPSHOT_WAIT_MS)),
]);
render(<Popup bridge={bridge} />, root);
