/** Checking a server, connecting this device to it (the device-grant sign-in), disconnecting. */
import { checkServer } from '../../engine';
import { parseServerUrl } from '../contract';
import type { CommandContext, HandlerTable } from './table';

export function authCommands({
  engine,
  deps,
  server,
}: CommandContext): HandlerTable<
  'server.check' | 'auth.connect' | 'auth.cancel' | 'auth.disconnect'
> {
  return {
    async 'server.check'({ server: requested }) {
      const info = await checkServer(
        (input, init) => fetch(input, init),
        parseServerUrl(requested),
      );
      const { deviceName } = await deps.describeDevice();
      return { serverVersion: info.server_version, registration: info.registration, deviceName };
    },
    async 'auth.connect'({ server: requested, deviceName }) {
      const url = parseServerUrl(requested);
      await server.choose(url);
      const device = await deps.describeDevice();
      const chosen = typeof deviceName === 'string' ? { deviceName } : {};
      const state = await engine.signIn({ serverUrl: url, ...device, ...chosen });
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
