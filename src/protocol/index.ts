export * from './errors';
export * from './schemas';
export * from './server-url';
export * from './validate';
