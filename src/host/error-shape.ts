import { EngineError, ValidationError } from '../engine';
import { BridgeError, type ErrorShape } from './contract';

/**
 * Turns anything thrown while serving a command into what crosses the wire. The engine's errors
 * and the host's own carry a stable code and secret-free messages by design; anything else is a
 * bug, logged here in the worker and reported to the page as `internal_error` without its details
 * (its message could hold anything).
 */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof ValidationError || error instanceof BridgeError) {
    const { code, message, issues } = error;
    return { code, message, ...(issues.length > 0 ? { issues } : {}) };
  }
  if (error instanceof EngineError) return { code: error.code, message: error.message };
  console.error('Satchel: unexpected error while serving a command', error);
  return { code: 'internal_error', message: 'Unexpected error in the service worker' };
}
