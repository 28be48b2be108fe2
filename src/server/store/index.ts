export * from './errors';
export { type OpenStoreOptions, openStore } from './open-store';
export { OP_RESULT_RETENTION_MS } from './sql/housekeeping';
export type * from './types';
