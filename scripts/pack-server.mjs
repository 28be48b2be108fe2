// `npm run pack:server`: builds server-package and packs it, printing the tarball's path.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkgDir = join(root, 'server-package');
execFileSync('node', [join(root, 'scripts/build-server.mjs')], { stdio: 'inherit' });
const out = execFileSync('npm', ['pack', '--json', '--pack-destination', pkgDir], {
  cwd: pkgDir,
  encoding: 'utf8',
});
console.log(join(pkgDir, JSON.parse(out)[0].filename));
