import type { ErrorShape } from './contract';

/**
 * Turns anything thrown while serving a command into what crosses the port. Engine errors carry
 * a stable code and secret-free messages by design; anything else is a bug, logged here in the
 * worker and reported to the page as `internal_error` without its details.
 */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
    const { code, issues } = error as Error & { code: string; issues?: unknown };
    return {
      code,
      message: error.message,
      ...(Array.isArray(issues) ? { issues: issues as ErrorShape['issues'] } : {}),
    };
  }
  console.error('Satchel: unexpected error while serving a command', error);
  return { code: 'internal_error', message: 'Unexpected error in the service worker' };
}
