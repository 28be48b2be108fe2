/**
 * Satchel renders no raw HTML, so Preact's one way to (`dangerouslySetInnerHTML`, an `innerHTML`
 * assignment that web-ext lint rightly flags in every page bundle) is taken out of the builds:
 * the sink throws instead. Nothing of ours reaches it (biome's noDangerouslySetInnerHtml keeps it
 * that way); now nothing can. A Preact whose code no longer matches fails the build here, so an
 * upgrade cannot quietly bring the sink back.
 */
import type { Plugin } from 'vite';

const PREACT = /[\\/]node_modules[\\/]preact[\\/]dist[\\/]preact\.mjs$/;
const SINK = /\((\w+)\.innerHTML=(\w+)\.__html\)/g;

export function noRawHtml(): Plugin {
  return {
    name: 'satchel:no-raw-html',
    transform(code, id) {
      if (!PREACT.test(id)) return null;
      if (!SINK.test(code)) {
        this.error(`${id}: the innerHTML sink this build removes was not found (Preact changed?)`);
      }
      SINK.lastIndex = 0;
      return {
        code: code.replace(SINK, '(()=>{throw new Error("Satchel renders no raw HTML")})()'),
        map: null,
      };
    },
  };
}
