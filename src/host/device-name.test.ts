import { describe, expect, it } from 'vitest';
import { describeDevice } from './device-name';

const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const FIREFOX_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const EDGE_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';

describe('describeDevice', () => {
  it('names the extension and the app the same way', () => {
    expect(describeDevice('extension', CHROME_LINUX, 'linux')).toEqual({
      deviceName: 'Satchel extension (Chrome on Linux)',
      platform: 'Chrome extension (Linux)',
    });
    expect(describeDevice('app', CHROME_LINUX).deviceName).toBe('Satchel app (Chrome on Linux)');
  });

  it('tells browsers and systems apart from the user agent', () => {
    expect(describeDevice('app', SAFARI_IPHONE).deviceName).toBe('Satchel app (Safari on iOS)');
    expect(describeDevice('extension', FIREFOX_WINDOWS).deviceName).toBe(
      'Satchel extension (Firefox on Windows)',
    );
    expect(describeDevice('extension', EDGE_MAC).deviceName).toBe(
      'Satchel extension (Edge on macOS)',
    );
    expect(describeDevice('app', 'curl/8').deviceName).toBe(
      'Satchel app (Browser on unknown system)',
    );
  });

  it('prefers the platform the extension API reports over the user agent', () => {
    // A desktop-mode request on ChromeOS may claim Linux in its user agent.
    expect(describeDevice('extension', CHROME_LINUX, 'cros').deviceName).toBe(
      'Satchel extension (Chrome on ChromeOS)',
    );
    // One it has no name for falls back to the user agent.
    expect(describeDevice('extension', CHROME_LINUX, 'fuchsia').deviceName).toBe(
      'Satchel extension (Chrome on Linux)',
    );
  });
});
