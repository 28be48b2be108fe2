/** Connecting this device to a server (the device-grant sign-in) and disconnecting it. */
import { parseServerUrl } from '../contract';
import type { CommandContext, HandlerTable } from './table';

export function authCommands({
  engine,
  deps,
  server,
}: CommandContext): HandlerTable<'auth.connect' | 'auth.cancel' | 'auth.disconnect'> {
  return {
    async 'auth.connect'({ server: requested }) {
      const url = parseServerUrl(requested);
      await server.choose(url);
      const device = await deps.describeDevice();
      const state = await engine.signIn({ serverUrl: url, ...device });
      if (state.kind === 'signingIn') await deps.openTab(state.verificationUriComplete);
      return undefined;
    },
    async 'auth.cancel'() {
      await engine.cancelSignIn();
      return undefined;
    },
    async 'auth.disconnect'() {
      if (engine.getStatus().state.kind === 'signingIn') await engine.cancelSignIn();
      else await engine.signOut();
      return undefined;
    },
  };
}
