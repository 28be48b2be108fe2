import '../ui/theme.css';
import './app.css';
import { render } from 'preact';
import { App } from './page/app';
import { createAppBridge } from './page/app-bridge';
import { registerAppWorker } from './update/app-update';
import { watchUnsavedEdits } from './update/unsaved-edits';

const root = document.getElementById('app');
if (!root) throw new Error('src/pwa/index.html has no #app element');

watchUnsavedEdits();
const update = registerAppWorker();
const bridge = createAppBridge({
  openWindow(url) {
    const opened = window.open(url, '_blank');
    // The sign-in page needs no handle on this one (and the server's COOP severs it anyway).
    if (opened) opened.opener = null;
    return opened !== null;
  },
  showSection: (section) => location.assign(`#${section ?? 'records'}`),
  workerFailed: update.registrationFailed,
  quiet: update.quiet,
});
render(<App bridge={bridge} update={update} />, root);
