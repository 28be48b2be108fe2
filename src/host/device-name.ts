/**
 * How a device introduces itself on the approval page and in the device list, alike for the
 * extension and the app, e.g. "Satchel extension (Chrome on Windows)" and "Satchel app (Safari
 * on iOS)": enough for a person to tell their phone's app from their desktop's extension.
 */
export type SatchelKind = 'extension' | 'app';

function browserName(userAgent: string): string {
  if (userAgent.includes('Firefox/')) return 'Firefox';
  if (userAgent.includes('Edg/')) return 'Edge';
  if (userAgent.includes('Chrome/') || userAgent.includes('Chromium/')) return 'Chrome';
  if (userAgent.includes('Safari/')) return 'Safari';
  return 'Browser';
}

/** `platformOs`: the extension's runtime.getPlatformInfo().os, surer than the user agent. */
function systemName(userAgent: string, platformOs?: string): string {
  const named: Record<string, string> = {
    android: 'Android',
    cros: 'ChromeOS',
    linux: 'Linux',
    mac: 'macOS',
    openbsd: 'OpenBSD',
    win: 'Windows',
  };
  if (platformOs && named[platformOs]) return named[platformOs];
  if (/Android/.test(userAgent)) return 'Android';
  if (/iPhone|iPad|iOS/.test(userAgent)) return 'iOS';
  if (/Mac OS X/.test(userAgent)) return 'macOS';
  if (/Windows/.test(userAgent)) return 'Windows';
  if (/CrOS/.test(userAgent)) return 'ChromeOS';
  if (/Linux/.test(userAgent)) return 'Linux';
  return 'unknown system';
}

export function describeDevice(
  kind: SatchelKind,
  userAgent: string,
  platformOs?: string,
): { deviceName: string; platform: string } {
  const browser = browserName(userAgent);
  const os = systemName(userAgent, platformOs);
  return {
    deviceName: `Satchel ${kind} (${browser} on ${os})`,
    platform: `${browser} ${kind} (${os})`,
  };
}
