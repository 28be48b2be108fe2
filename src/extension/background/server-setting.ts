import browser from 'webextension-polyfill';

const KEY = 'serverUrl';

/** Used until the person picks a server: a self-hosted one on this computer (see README). */
export const DEFAULT_SERVER = 'http://localhost:8787';

/**
 * The server address the person chose, kept while signed out (the engine only knows a server
 * once signed in). chrome.storage survives worker restarts and is shared by every page.
 */
export async function readServerSetting(): Promise<string> {
  const stored = await browser.storage.local.get(KEY);
  const value = stored[KEY];
  return typeof value === 'string' && value ? value : DEFAULT_SERVER;
}

export async function writeServerSetting(url: string): Promise<void> {
  await browser.storage.local.set({ [KEY]: url });
}
