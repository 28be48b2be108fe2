/** The account's devices: listed, renamed, revoked. */
import { deviceInfo } from '../views';
import type { CommandContext, HandlerTable } from './table';

export function deviceCommands({
  engine,
}: CommandContext): HandlerTable<
  | 'devices.list'
  | 'devices.rename'
  | 'devices.revoke'
  | 'devices.previewRevokeAndRotate'
  | 'devices.revokeAndRotate'
> {
  return {
    async 'devices.list'() {
      return (await engine.listDevices()).map(deviceInfo);
    },
    async 'devices.rename'({ id, name }) {
      await engine.renameDevice(id, name);
      return undefined;
    },
    async 'devices.revoke'({ id }) {
      await engine.revokeDevice(id);
      return undefined;
    },
    async 'devices.previewRevokeAndRotate'({ ids }) {
      return (await engine.previewRevokeAndRotate(ids)).recipients.map((r) => ({ ...r }));
    },
    'devices.revokeAndRotate': ({ ids, newRecoveryKey }) =>
      engine.revokeAndRotate(ids, { newRecoveryKey }),
  };
}
