import { describeDevice as describe } from '../../ui/device-name';

/** How the app introduces itself on the approval page, e.g. "Satchel app (Chrome on Android)". */
export function describeDevice(): { deviceName: string; platform: string } {
  return describe('app', self.navigator.userAgent);
}
