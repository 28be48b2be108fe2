/// <reference types="vite/client" />

/** The build's name, from vite.pwa.config.ts (`define`), the same in the page and the worker. */
declare const __SATCHEL_BUILD__: string;
