/**
 * The server as an operator starts it: main.ts in its own process. Its command line, its health
 * check, its structured logs (which must never hold a secret) and its graceful shutdown.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenResponse } from '../protocol';
import { call } from './http/helpers';
import { runMain, type ServerProcess, startServerProcess } from './http/server-process';
import { approveDeviceCode, pollToken, requestDeviceCode } from './testing';

let dataDir: string;
const running: ServerProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'satchel-main-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(args: string[] = [], env: Record<string, string> = {}) {
  const server = await startServerProcess(['--data-dir', dataDir, ...args], env);
  running.push(server);
  return server;
}

describe('the command line', () => {
  it('--help names every setting the issue lists, with its variable, and exits 0', async () => {
    const result = await runMain(['--help']);
    expect(result.code).toBe(0);
    for (const [flag, env] of [
      ['--listen', 'LISTEN_ADDR'],
      ['--data-dir', 'DATA_DIR'],
      ['--database-url', 'DATABASE_URL'],
      ['--public-url', 'PUBLIC_URL'],
      ['--registration', 'REGISTRATION'],
      ['--max-payload-bytes', 'MAX_PAYLOAD_BYTES'],
      ['--max-batch-ops', 'MAX_BATCH_OPS'],
      ['--max-batch-bytes', 'MAX_BATCH_BYTES'],
      ['--max-body-bytes', 'MAX_BODY_BYTES'],
      ['--max-changes-limit', 'MAX_CHANGES_LIMIT'],
      ['--log-level', 'LOG_LEVEL'],
      ['--live-max-per-account', 'LIVE_MAX_PER_ACCOUNT'],
      ['--live-max-per-address', 'LIVE_MAX_PER_ADDRESS'],
    ]) {
      expect(result.stdout).toContain(`${flag} <value>`);
      expect(result.stdout).toContain(`env ${env}`);
    }
    expect(result.stdout).toContain('first-user (then invites), invite, or open');
  });

  it('refuses a bad value with exit code 2 and a message naming the flag, before opening anything', async () => {
    const result = await runMain(['--registration', 'everyone', '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--registration / REGISTRATION: got "everyone"');
    expect(result.stderr).toContain('first-user, invite, open');
  });
});

describe('a running server', () => {
  it('reads its settings from the environment, answers GET /health, and logs one JSON object per line without any secret', async () => {
    const server = await start([], {
      LOG_LEVEL: 'debug',
      REGISTRATION: 'open',
      MAX_BATCH_OPS: '7',
    });
    const info = await call(server.url, '/v1/info');
    expect(info.body).toMatchObject({ registration: 'open', limits: { max_batch_ops: 7 } });
    const health = await call(server.url, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });

    // Everything secret a sign-in and a sync handle, then look for each of it in the output.
    const person = { username: 'grace', password: 'secret horse battery 42' };
    const grant = await requestDeviceCode(server.url, { deviceName: 'Laptop' });
    await approveDeviceCode(server.url, grant.user_code, person);
    const tokens = (await (await pollToken(server.url, grant.device_code)).json()) as TokenResponse;
    await call(server.url, '/v1/keys', {
      method: 'PUT',
      token: tokens.access_token,
      headers: { 'if-none-match': '*' },
      json: {
        key_document: 'a2V5LWRvY3VtZW50LXNlY3JldA',
        key_fingerprint: 'fp_bbbbbbbbbbbbbbbbbbbb',
        epoch: 1,
      },
    });
    await call(server.url, '/v1/auth/token', {
      method: 'POST',
      json: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
    });
    const status = await server.stop();
    expect(status).toEqual({ code: 0, signal: null });

    // stdout is for log collectors: JSON lines only (the banner for people is on stderr).
    const stdout = server.stdout().filter((line) => line.trim() !== '');
    const logs = server.logs();
    expect(logs.length).toBe(stdout.length);
    expect(server.stderr().join('\n')).toContain(`Open http://localhost:`);
    for (const line of logs) {
      expect(line).toEqual(
        expect.objectContaining({
          time: expect.any(String),
          level: expect.any(String),
          msg: expect.any(String),
        }),
      );
    }
    const requests = logs.filter((line) => line.msg === 'request');
    expect(requests.map((line) => line.path)).toEqual(
      expect.arrayContaining([
        '/health',
        '/v1/auth/device',
        '/activate',
        '/v1/auth/token',
        '/v1/keys',
      ]),
    );
    expect(logs.some((line) => line.msg === 'device signed in')).toBe(true);

    const output = [...server.stdout(), ...server.stderr()].join('\n');
    for (const secret of [
      person.password,
      grant.device_code,
      grant.user_code,
      grant.user_code.replace('-', ''),
      tokens.access_token,
      tokens.refresh_token,
      'a2V5LWRvY3VtZW50LXNlY3JldA',
    ]) {
      expect(output).not.toContain(secret);
    }
    // Nothing user-code-like either (query strings are not logged).
    expect(output).not.toMatch(/user_code=/);
  });

  it('shuts down gracefully on SIGTERM: a request in flight is answered, new ones are refused, exit 0', async () => {
    const server = await start();
    const { port } = new URL(server.url);
    const body = new URLSearchParams({
      client_id: 'satchel-cli',
      device_name: 'Slow device',
      device_platform: 'linux',
    }).toString();

    // A request whose body is still arriving when the signal comes. `Expect: 100-continue` makes
    // the server say when it has read the headers, so the request is surely in flight.
    let sendRest: () => void = () => undefined;
    let headersRead: () => void = () => undefined;
    const serverHasIt = new Promise<void>((resolve) => {
      headersRead = resolve;
    });
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/auth/device',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            expect: '100-continue',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        req.write(body.slice(0, 10));
        headersRead();
      });
      req.flushHeaders();
      sendRest = () => req.end(body.slice(10));
    });
    await serverHasIt;
    server.child.kill('SIGTERM');
    await expect.poll(() => server.logs().some((line) => line.msg === 'shutting down')).toBe(true);

    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    sendRest();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text)).toHaveProperty('device_code');

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'stopped']),
    );
  });
});
