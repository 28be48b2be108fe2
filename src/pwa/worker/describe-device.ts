/**
 * How the app introduces itself on the approval page, e.g. "Satchel app (Chrome on Android)":
 * enough for a person to tell their phone's app from their desktop extension.
 */
export function describeDevice(): { deviceName: string; platform: string } {
  const ua = self.navigator.userAgent;
  const browser = ua.includes('Firefox/')
    ? 'Firefox'
    : ua.includes('Edg/')
      ? 'Edge'
      : ua.includes('Chrome/') || ua.includes('Chromium/')
        ? 'Chrome'
        : ua.includes('Safari/')
          ? 'Safari'
          : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iOS/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : 'unknown system';
  return { deviceName: `Satchel app (${browser} on ${os})`, platform: `${browser} app (${os})` };
}
