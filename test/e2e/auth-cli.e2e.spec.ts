import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../src/cli/token.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { VERIFIED_CACHE_MS } from '../../src/auth/tokens.service.js';
import { eventually } from '../support/eventually.js';

/** Runs the token CLI in-process against the test app's database, capturing its output. */
async function cli(env: Record<string, string>, ...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (text) => void (out += text), err: (text) => void (err += text) };
  const code = await main(argv, env, io);
  return { code, out, err };
}

describe('npm run token', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a token whose secret it prints once and that the service accepts', async () => {
    const created = await cli(t.env, 'create', '--role', 'labeler', '--name', 'alice');
    expect(created.code).toBe(0);
    const secret = /Secret \(shown only now\): (rl_[A-Za-z0-9_-]{43})/.exec(created.out)?.[1];
    expect(secret).toBeDefined();
    const home = await t.http().get('/').set('Authorization', `Bearer ${secret}`).expect(200);
    expect(home.text).toContain('alice');
    await t.http().get('/api/v1/tokens').set('Authorization', `Bearer ${secret}`).expect(403);

    const listed = await cli(t.env, 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/alice\s+labeler/);
    expect(listed.out).toContain('env-admin');
    expect(listed.out).not.toContain(secret);
  });

  it('revokes a token so that the service refuses it', async () => {
    const created = await cli(t.env, 'create', '--role', 'ingest', '--name', 'pipeline');
    const id = /\(id ([0-9a-f-]{36})\)/.exec(created.out)?.[1];
    const secret = /(rl_[A-Za-z0-9_-]{43})/.exec(created.out)?.[1];
    expect(id).toBeDefined();
    // An ingest token reads nothing: an empty event body gets past the guard to validation (400).
    await t.http().post('/api/v1/events').set('Authorization', `Bearer ${secret}`).send({}).expect(400);
    const revoked = await cli(t.env, 'revoke', id!);
    expect(revoked).toMatchObject({ code: 0, out: `Revoked token ${id}.\n` });
    // Another process revoked it: the service trusts a verified token for VERIFIED_CACHE_MS at most.
    await eventually(
      () => t.http().post('/api/v1/events').set('Authorization', `Bearer ${secret}`).send({}).expect(401),
      VERIFIED_CACHE_MS + 2000,
      200,
    );
    expect((await cli(t.env, 'list')).out).toMatch(new RegExp(`${id}.*revoked`));
  });

  it('exits 1 when revoking an unknown id', async () => {
    const result = await cli(t.env, 'revoke', '00000000-0000-0000-0000-000000000000');
    expect(result.code).toBe(1);
    expect(result.err).toContain('no token with id');
  });

  it.each([
    [['create', '--role', 'root', '--name', 'x']],
    [['create', '--role', 'labeler']],
    [['create', '--name', 'x']],
    [['create', '--role', 'labeler', '--name', 'x', '--colour', 'red']],
    [['list', 'extra']],
    [['revoke']],
    [['revoke', 'a', 'b']],
    [['promote', 'x']],
  ])('prints usage and exits 2 for %j', async (argv) => {
    const result = await cli(t.env, ...argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain('Usage: npm run token');
    expect(result.out).toBe('');
  });

  it('prints usage and exits 0 for --help', async () => {
    const result = await cli(t.env, '--help');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('create --role');
  });
});
