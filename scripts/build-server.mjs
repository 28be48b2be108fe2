// `npm run build:server`: bundles the sync server for Node into server-package/dist/server.mjs
// (so the installed package needs no tsx, vite or typescript) and copies the built web app
// (dist/pwa) and admin page (dist/admin, when built) next to it.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'vite';

const root = new URL('..', import.meta.url).pathname;
const pkgDir = join(root, 'server-package');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// PGlite loads its wasm and data files from beside its own module, and pg has optional native
// parts: both stay real dependencies, at the root's exact versions.
const runtime = ['@electric-sql/pglite', 'pg'];

rmSync(join(pkgDir, 'dist'), { recursive: true, force: true });
rmSync(join(pkgDir, 'web'), { recursive: true, force: true });

await build({
  configFile: false,
  root,
  logLevel: 'warn',
  // public/ holds the extension's icons, not the server's.
  publicDir: false,
  build: {
    ssr: join(root, 'src/server/main.ts'),
    outDir: join(pkgDir, 'dist'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      external: (id) =>
        id.startsWith('node:') ||
        builtinModules.includes(id) ||
        runtime.some((dep) => id === dep || id.startsWith(`${dep}/`)),
      output: { format: 'es', entryFileNames: 'server.mjs', codeSplitting: false },
    },
  },
  // Bundle every other dependency (hono, ws, valibot...) into the one file.
  ssr: { noExternal: true, target: 'node' },
});

for (const part of ['pwa', 'admin']) {
  const from = join(root, 'dist', part);
  if (existsSync(from)) cpSync(from, join(pkgDir, 'web', part), { recursive: true });
  else console.warn(`build-server: dist/${part} not built, the package will not serve it`);
}

const pkg = {
  name: 'satchel-server',
  version: rootPkg.version,
  description: 'Satchel sync server: self-hostable, with the web app and admin page built in.',
  type: 'module',
  license: rootPkg.license,
  bin: { 'satchel-server': 'bin/satchel-server.mjs' },
  engines: rootPkg.engines,
  files: ['bin', 'dist', 'web'],
  dependencies: Object.fromEntries(runtime.map((dep) => [dep, rootPkg.dependencies[dep]])),
};
writeFileSync(join(pkgDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`build-server: ${join(pkgDir, 'dist/server.mjs')}`);
