// fake-indexeddb ships auto.d.ts but its package.json "exports" hides it from Bundler resolution.
declare module 'fake-indexeddb/auto';
