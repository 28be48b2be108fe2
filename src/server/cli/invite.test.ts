/**
 * `invite create|list|revoke` run as an operator would (main.ts in its own process) against a
 * data folder, then the link it printed used on a server started on that folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type ServerProcess, startServerProcess } from '../http/server-process';
import { describePage, PageClient } from '../testing';

let dataDir: string;
let server: ServerProcess | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'satchel-invite-cli-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

const PUBLIC = 'https://sync.example.org';

describe('satchel-server invite', () => {
  it('create prints a link that registers the owner of an invite-only server; list and revoke', async () => {
    const created = await runMain([
      'invite',
      'create',
      '--uses',
      '2',
      '--expires',
      '2d',
      '--data-dir',
      dataDir,
      '--public-url',
      PUBLIC,
    ]);
    expect(created.code).toBe(0);
    const link = created.stdout.trim();
    expect(link).toMatch(/^https:\/\/sync\.example\.org\/activate\?invite=[A-Za-z0-9_-]{43}$/);
    const token = new URL(link).searchParams.get('invite') ?? '';

    server = await startServerProcess(['--data-dir', dataDir], { REGISTRATION: 'invite' });
    // While the server holds the embedded database, the command says so instead of corrupting it.
    const busy = await runMain(['invite', 'list', '--data-dir', dataDir]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('in use by process');

    const browser = new PageClient(server.url);
    const offered = await browser.get(`/activate?invite=${token}`);
    expect(describePage(offered.html).page).toBe('first-account');
    const registered = await browser.post('/activate/register', {
      username: 'founder',
      password: 'founder password',
      password_confirm: 'founder password',
      invite: token,
    });
    expect(registered.status).toBe(303);
    const refused = await new PageClient(server.url).post('/activate/register', {
      username: 'no-invite',
      password: 'no-invite password',
      password_confirm: 'no-invite password',
    });
    expect(refused.status).toBe(403);
    await server.stop();
    server = undefined;

    const listed = await runMain(['invite', 'list', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^([0-9a-f]{10}) +usable +1\/2 used .* by founder$/m);
    const id = /^([0-9a-f]{10})/.exec(listed.stdout)?.[1] ?? '';
    const revoked = await runMain(['invite', 'revoke', id, '--data-dir', dataDir]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Invite ${id} revoked`);
    const again = await runMain(['invite', 'revoke', id, '--data-dir', dataDir]);
    expect(again.code).toBe(1);
    const after = await runMain(['invite', 'list', '--data-dir', dataDir]);
    expect(after.stdout).toMatch(new RegExp(`^${id} +revoked +1/2 used`, 'm'));
    // Six processes, each starting tsx and opening (migrating) the embedded database: about 30 s
    // on a loaded 2-core machine, so more than vitest's default per test.
  }, 120_000);

  it('refuses bad --uses and --expires with exit code 2, and prints its help', async () => {
    const uses = await runMain(['invite', 'create', '--uses', '0', '--data-dir', dataDir]);
    expect(uses.code).toBe(2);
    expect(uses.stderr).toContain('--uses: got "0"');
    const expires = await runMain(['invite', 'create', '--expires', 'soon', '--data-dir', dataDir]);
    expect(expires.code).toBe(2);
    expect(expires.stderr).toContain('--expires: got "soon"');
    const help = await runMain(['invite', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('create [--uses N] [--expires 7d]');
    expect(help.stdout).toContain('revoke <id>');
  });
});
