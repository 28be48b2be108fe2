export * from './errors';
export * from './live';
export * from './schemas';
export * from './server-url';
export * from './validate';
