import browser from 'webextension-polyfill';
import type { ServerSetting } from '../../host/host';

const KEY = 'serverUrl';

/** Used until the person picks a server: a self-hosted one on this computer (see README). */
const DEFAULT_SERVER = 'http://localhost:8787';

/**
 * The server address the person chose, kept while signed out (the engine only knows a server
 * once signed in). chrome.storage survives worker restarts and is shared by every page.
 */
export const serverSetting: ServerSetting = {
  async read() {
    const stored = await browser.storage.local.get(KEY);
    const value = stored[KEY];
    return typeof value === 'string' && value ? value : DEFAULT_SERVER;
  },
  async write(url) {
    await browser.storage.local.set({ [KEY]: url });
  },
};
