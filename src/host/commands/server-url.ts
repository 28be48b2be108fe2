import { checkServerUrl } from '../../protocol/server-url';
import { BridgeError } from '../contract';

/** A server address as the person typed it, checked by the one rule (https unless local). */
export function checkedServerUrl(input: string): string {
  const checked = checkServerUrl(input);
  if (!checked.ok) throw new BridgeError({ code: checked.code, message: checked.message });
  return checked.url;
}
