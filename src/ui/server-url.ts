import { BridgeError } from '../host/contract';
import { checkServerUrl } from '../protocol/server-url';

/** The engine's server-address rule (https unless local), checked before asking for permission. */
export function parseServerUrl(input: string): string {
  const checked = checkServerUrl(input);
  if (!checked.ok) throw new BridgeError({ code: checked.code, message: checked.message });
  return checked.url;
}
