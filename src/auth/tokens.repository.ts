import { Injectable } from '@nestjs/common';
import { type EntityManager, IsNull } from 'typeorm';
import { Db } from '../database/db.js';
import { LockKey } from '../database/locks.js';
import { TokenEntity } from './token.entity.js';

@Injectable()
export class TokensRepository {
  constructor(private readonly db: Db) {}

  insert(token: TokenEntity): Promise<void> {
    return this.db.transaction(async (manager) => {
      await manager.insert(TokenEntity, token);
    });
  }

  /** Inserts unless a token with the same secret exists; true when this call inserted it. */
  insertUnlessSecretExists(token: TokenEntity): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      await manager.createQueryBuilder().insert().into(TokenEntity).values(token).orIgnore().execute();
      const stored = await manager.findOneBy(TokenEntity, { secretHash: token.secretHash });
      return stored?.id === token.id;
    });
  }

  /** Inserts the token unless an active admin token exists; true when this call inserted it. */
  insertAdminIfNone(token: TokenEntity): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      // Serialises first-start admin creation across API processes sharing one PostgreSQL database.
      await this.db.advisoryLock(manager, LockKey.BootstrapAdmin);
      if (await this.hasActiveAdmin(manager)) return false;
      await manager.insert(TokenEntity, token);
      return true;
    });
  }

  findBySecretHash(secretHash: string): Promise<TokenEntity | null> {
    return this.db.manager.findOneBy(TokenEntity, { secretHash });
  }

  findActiveBySecretHash(secretHash: string): Promise<TokenEntity | null> {
    return this.db.manager.findOneBy(TokenEntity, { secretHash, revokedAt: IsNull() });
  }

  findById(id: string): Promise<TokenEntity | null> {
    return this.db.manager.findOneBy(TokenEntity, { id });
  }

  findActiveById(id: string): Promise<TokenEntity | null> {
    return this.db.manager.findOneBy(TokenEntity, { id, revokedAt: IsNull() });
  }

  listAll(): Promise<TokenEntity[]> {
    return this.db.manager.find(TokenEntity, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Marks the token revoked (keeping the first revocation time); false when no such token exists. */
  revoke(id: string, now: number): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const token = await manager.findOneBy(TokenEntity, { id });
      if (!token) return false;
      await manager.update(TokenEntity, { id, revokedAt: IsNull() }, { revokedAt: now });
      return true;
    });
  }

  /** Moves the token's session generation on, voiding every session cookie issued before. */
  async endSessions(id: string): Promise<void> {
    await this.db.exclusive(() =>
      this.db.manager
        .createQueryBuilder()
        .update(TokenEntity)
        .set({ sessionGeneration: () => 'session_generation + 1' })
        .where('id = :id', { id })
        .execute(),
    );
  }

  /** Records use, unless it was already recorded after `notBefore` (by this or another process). */
  async touch(id: string, now: number, notBefore: number): Promise<void> {
    await this.db.exclusive(() =>
      this.db.manager
        .createQueryBuilder()
        .update(TokenEntity)
        .set({ lastUsedAt: now })
        .where('id = :id', { id })
        .andWhere('(last_used_at IS NULL OR last_used_at < :notBefore)', { notBefore })
        .execute(),
    );
  }

  private async hasActiveAdmin(manager: EntityManager): Promise<boolean> {
    return (await manager.countBy(TokenEntity, { role: 'admin', revokedAt: IsNull() })) > 0;
  }
}
