import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenEntity } from './token.entity.js';
import { hashTokenSecret } from './token-secret.js';
import type { TokensRepository } from './tokens.repository.js';
import { LAST_USED_RESOLUTION_MS, TokensService, VERIFIED_CACHE_MS } from './tokens.service.js';

function fakeRepository(token: TokenEntity) {
  const touches: number[] = [];
  const repository = {
    findActiveBySecretHash: vi.fn(async (hash: string) => (hash === token.secretHash ? { ...token } : null)),
    findActiveById: vi.fn(async (id: string) => (id === token.id ? { ...token } : null)),
    touch: vi.fn(async (_id: string, now: number) => {
      touches.push(now);
      token.lastUsedAt = now;
    }),
  };
  return { repository: repository as unknown as TokensRepository, touches };
}

describe('TokensService.verify', () => {
  const start = 1_800_000_000_000;
  let token: TokenEntity;

  beforeEach(() => {
    vi.useFakeTimers({ now: start });
    token = Object.assign(new TokenEntity(), {
      id: 'id-1',
      name: 'alice',
      role: 'labeler',
      secretHash: hashTokenSecret('rl_secret'),
      prefix: 'rl_secret',
      createdAt: start - 1000,
      createdBy: null,
      lastUsedAt: null,
      revokedAt: null,
    });
  });

  afterEach(() => vi.useRealTimers());

  it('returns the token for its secret and null for any other', async () => {
    const { repository } = fakeRepository(token);
    const service = new TokensService(repository);
    expect((await service.verify('rl_secret'))?.id).toBe('id-1');
    expect(await service.verify('rl_other')).toBeNull();
    expect(await service.verify('')).toBeNull();
  });

  it('records use at most once a minute however often the token is used', async () => {
    const { repository, touches } = fakeRepository(token);
    const service = new TokensService(repository);
    await service.verify('rl_secret');
    await vi.advanceTimersByTimeAsync(1000);
    for (let i = 0; i < 20; i++) {
      await service.verify('rl_secret');
      await service.findActive('id-1');
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(touches).toEqual([start]);
    await vi.advanceTimersByTimeAsync(LAST_USED_RESOLUTION_MS);
    await service.verify('rl_secret');
    await vi.advanceTimersByTimeAsync(0);
    expect(touches).toHaveLength(2);
    expect(touches[1] - touches[0]).toBeGreaterThanOrEqual(LAST_USED_RESOLUTION_MS);
  });

  it('does not issue a second write while the first is still in flight', async () => {
    const { repository } = fakeRepository(token);
    let release: () => void = () => undefined;
    const touch = vi.mocked(repository.touch).mockImplementation(() => new Promise<void>((resolve) => (release = resolve)));
    const service = new TokensService(repository);
    await Promise.all([service.verify('rl_secret'), service.verify('rl_secret'), service.findActive('id-1')]);
    expect(touch).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
  });

  it('looks a verified token up again only after the cache time, or at once after revoking it here', async () => {
    const { repository } = fakeRepository(token);
    Object.assign(repository, { revoke: vi.fn(async () => true) });
    const find = vi.mocked(repository.findActiveBySecretHash);
    const service = new TokensService(repository);
    await service.verify('rl_secret');
    await service.verify('rl_secret');
    expect(find).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(VERIFIED_CACHE_MS + 1);
    await service.verify('rl_secret');
    expect(find).toHaveBeenCalledTimes(2);
    await service.revoke('id-1');
    find.mockResolvedValue(null);
    expect(await service.verify('rl_secret')).toBeNull();
    expect(find).toHaveBeenCalledTimes(3);
  });
});
