/** This device's sync settings, the server chosen while signed out, and dismissing an error. */
import { BridgeError, parseServerUrl } from '../contract';
import type { CommandContext, HandlerTable } from './table';

export function settingsCommands({
  engine,
  server,
  publish,
  dismissError,
}: CommandContext): HandlerTable<'settings.update' | 'error.dismiss'> {
  return {
    async 'settings.update'(patch) {
      const { server: requested, ...rest } = patch;
      if (requested !== undefined) {
        if (engine.getStatus().account) {
          throw new BridgeError({
            code: 'already_signed_in',
            message: 'Disconnect before changing the server',
          });
        }
        await server.choose(parseServerUrl(requested));
      }
      if (Object.keys(rest).length > 0) await engine.updateSettings(rest);
      publish();
      return undefined;
    },
    async 'error.dismiss'() {
      dismissError();
      publish();
      return undefined;
    },
  };
}
