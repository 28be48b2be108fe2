/** The test server's look beneath the store finds every row an account has. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOfAccount, signInDevice, startServer, type TestServer } from './testing';

describe('rowsOfAccount', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ config: { registration: 'open' } });
  });
  afterAll(() => server.close());

  it('lists the account, its devices and its tokens, and nothing for an unknown id', async () => {
    await signInDevice(server.url, { username: 'rows', password: 'a long enough password' });
    const account = await server.store.findAccountByUsername('rows');
    const tables = (await rowsOfAccount(server, account?.id ?? '')).map((row) => row.table);
    expect(tables).toEqual(expect.arrayContaining(['accounts', 'devices']));
    expect(await rowsOfAccount(server, 'no-such-account')).toEqual([]);
  });
});
