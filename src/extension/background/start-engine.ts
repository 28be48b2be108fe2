import { BridgeError } from '../../ui/bridge';
import type { HostEngine } from './host-engine';

/**
 * Creates the engine with the worker's dependencies. The sync engine (issue 3) is not merged
 * yet: until it is, starting fails with a stable code so pages report it instead of hanging.
 */
export async function startEngine(): Promise<HostEngine> {
  throw new BridgeError({
    code: 'engine_unavailable',
    message: 'The sync engine is not built in yet',
  });
}
