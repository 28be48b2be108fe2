/** A new device given the account key by one already in use: code typed on one, confirmed on both. */
import type { CommandContext, HandlerTable } from './table';

export function pairingCommands({
  engine,
}: CommandContext): HandlerTable<
  | 'pairing.request'
  | 'pairing.list'
  | 'pairing.accept'
  | 'pairing.approve'
  | 'pairing.confirm'
  | 'pairing.deny'
> {
  return {
    async 'pairing.request'() {
      await engine.requestPairing();
      return undefined;
    },
    'pairing.list': () => engine.listPairingRequests(),
    async 'pairing.accept'({ id }) {
      await engine.acceptPairing(id);
      return undefined;
    },
    async 'pairing.approve'({ code }) {
      await engine.approvePairing(code);
      return undefined;
    },
    async 'pairing.confirm'() {
      await engine.confirmPairing();
      return undefined;
    },
    async 'pairing.deny'(input) {
      await engine.denyPairing(input?.id);
      return undefined;
    },
  };
}
