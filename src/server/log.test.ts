import { describe, expect, it } from 'vitest';
import { createLogger, redact, scrubText } from './log';

function capture(level: Parameters<typeof createLogger>[0] = 'debug') {
  const lines: string[] = [];
  const logger = createLogger(
    level,
    (line) => lines.push(line),
    () => 0,
  );
  return { logger, lines };
}

describe('structured logs', () => {
  it('writes one JSON object per line with time, level and msg', () => {
    const { logger, lines } = capture();
    logger.info('request', {
      request_id: 'abc123',
      method: 'GET',
      path: '/health',
      status: 200,
      duration_ms: 1.5,
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'request',
      request_id: 'abc123',
      method: 'GET',
      path: '/health',
      status: 200,
      duration_ms: 1.5,
    });
  });

  it('drops lines below the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.debug('quieter');
    logger.error('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
    const silent = capture('silent');
    silent.logger.error('nothing');
    expect(silent.lines).toEqual([]);
  });
});

describe('redaction guard', () => {
  const secrets = {
    access_token: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdef',
    refreshToken: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz',
    password: 'correct horse battery staple',
    Cookie: 'satchel_session=s3cret-cookie',
    authorization: 'Bearer qwertyuiop',
    device_code: 's3cret-device-code',
    user_code: 'BCDF-GHJK',
    payload: 's3cret-sealed-payload',
    csrf_token: 's3cret-csrf',
    key_document: 's3cret-wrapped-keys',
    invite: 's3cret-invite',
  };

  it('blanks every secret-named field, however it is spelled, at any depth', () => {
    const out = redact({ ...secrets, nested: { ...secrets }, list: [{ ...secrets }] }) as Record<
      string,
      unknown
    >;
    const text = JSON.stringify(out);
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    expect(out.access_token).toBe('[redacted]');
    expect((out.nested as Record<string, unknown>).password).toBe('[redacted]');
  });

  it('scrubs tokens, user codes and bearer credentials out of free text', () => {
    const text = scrubText(
      'failed for Bearer abc.def token AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 code bcdf-ghjk or BCDFGHJK at postgres://user:hunter2@db/x',
    );
    expect(text).not.toMatch(/abc\.def|AbCdEfGh|bcdf-ghjk|BCDFGHJK|hunter2/);
    expect(text).toContain('failed for');
  });

  it('keeps ids, statuses and paths readable', () => {
    const out = redact({
      account_id: '0b6f8a0e-6d3c-4d3e-9a53-2f1c3a9c1e11',
      status: 401,
      path: '/v1/changes',
      problem: 'invalid_token',
    });
    expect(out).toEqual({
      account_id: '0b6f8a0e-6d3c-4d3e-9a53-2f1c3a9c1e11',
      status: 401,
      path: '/v1/changes',
      problem: 'invalid_token',
    });
  });

  it('logs errors by class and scrubbed message, never a driver detail', () => {
    const { logger, lines } = capture();
    const error = Object.assign(
      new Error('duplicate key for token AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'),
      {
        code: '23505',
        detail: 'Key (payload)=(secret-payload-bytes) already exists.',
      },
    );
    logger.error('unhandled error', { error });
    const line = lines[0] ?? '';
    expect(line).not.toContain('AbCdEfGhIjKlMnOpQrStUvWxYz');
    expect(line).not.toContain('secret-payload-bytes');
    expect(JSON.parse(line).error).toMatchObject({ error_class: 'Error', sqlstate: '23505' });
  });

  it('scrubs the message itself', () => {
    const { logger, lines } = capture();
    logger.warn('token AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 leaked');
    expect(lines[0]).not.toContain('AbCdEfGhIjKlMnOpQrStUvWxYz');
  });
});
