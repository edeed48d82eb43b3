import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { notFound } from '../common/api-error.js';
import { TokenEntity, type TokenRole } from './token.entity.js';
import { generateTokenSecret, hashTokenSecret, listedPrefix } from './token-secret.js';
import { TokensRepository } from './tokens.repository.js';

export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * How long a process trusts a token it has verified, so that ingest does not look every request's
 * token up. A revocation takes effect at once in the process that made it, and within this time in
 * the others.
 */
export const VERIFIED_CACHE_MS = 5_000;
const VERIFIED_CACHE_MAX = 10_000;

export interface CreatedToken {
  token: TokenEntity;
  /** Shown once, at creation; only its hash is stored. */
  secret: string;
}

@Injectable()
export class TokensService {
  private readonly logger = new Logger(TokensService.name);
  private readonly touching = new Set<string>();
  private readonly verified = new Map<string, { token: TokenEntity; until: number }>();

  constructor(private readonly tokens: TokensRepository) {}

  async create(name: string, role: TokenRole, createdBy: string | null): Promise<CreatedToken> {
    const secret = generateTokenSecret();
    const token = newToken(name, role, secret, createdBy);
    await this.tokens.insert(token);
    return { token, secret };
  }

  list(): Promise<TokenEntity[]> {
    return this.tokens.listAll();
  }

  /** Revokes a token; revoking one that is already revoked changes nothing. 404 for an unknown id. */
  async revoke(id: string): Promise<void> {
    for (const [hash, entry] of this.verified) if (entry.token.id === id) this.verified.delete(hash);
    if (!(await this.tokens.revoke(id, Date.now()))) throw notFound('token_not_found');
  }

  /** The active token with this secret, or null. Records the use at most once a minute. */
  async verify(secret: string): Promise<TokenEntity | null> {
    if (!secret || secret.length > 512) return null;
    const hash = hashTokenSecret(secret);
    const now = Date.now();
    const cached = this.verified.get(hash);
    let token = cached && cached.until > now ? cached.token : null;
    if (!token) {
      token = await this.tokens.findActiveBySecretHash(hash);
      if (!token) return null;
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.clear();
      this.verified.set(hash, { token, until: now + VERIFIED_CACHE_MS });
    }
    this.noteUse(token);
    return token;
  }

  /** The active token with this id (a session's token), or null once revoked. */
  async findActive(id: string): Promise<TokenEntity | null> {
    const token = await this.tokens.findActiveById(id);
    if (token) this.noteUse(token);
    return token;
  }

  /** Voids every session cookie of the token (logout). */
  endSessions(id: string): Promise<void> {
    return this.tokens.endSessions(id);
  }

  /** Makes sure the configured secret is an admin token; says what it found. */
  async ensureSecret(secret: string, name: string): Promise<'created' | 'exists' | 'revoked' | 'not_admin'> {
    const inserted = await this.tokens.insertUnlessSecretExists(newToken(name, 'admin', secret, 'environment'));
    if (inserted) return 'created';
    const existing = await this.tokens.findBySecretHash(hashTokenSecret(secret));
    if (!existing) throw new Error('configured admin token vanished while being ensured');
    if (existing.revokedAt !== null) return 'revoked';
    return existing.role === 'admin' ? 'exists' : 'not_admin';
  }

  /** Creates an admin token when no active one exists (race-safe across processes); its secret, or null. */
  async createFirstAdmin(name: string): Promise<string | null> {
    const secret = generateTokenSecret();
    const inserted = await this.tokens.insertAdminIfNone(newToken(name, 'admin', secret, 'first-start'));
    return inserted ? secret : null;
  }

  // Off the request path: a slow write queue must not hold up authentication.
  private noteUse(token: TokenEntity): void {
    const now = Date.now();
    if (token.lastUsedAt !== null && now - token.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
    if (this.touching.has(token.id)) return;
    this.touching.add(token.id);
    token.lastUsedAt = now;
    void this.tokens
      .touch(token.id, now, now - LAST_USED_RESOLUTION_MS)
      .catch((error: unknown) => this.logger.warn({ err: error, tokenId: token.id }, 'could not record token use'))
      .finally(() => this.touching.delete(token.id));
  }
}

function newToken(name: string, role: TokenRole, secret: string, createdBy: string | null): TokenEntity {
  return Object.assign(new TokenEntity(), {
    id: randomUUID(),
    name,
    role,
    secretHash: hashTokenSecret(secret),
    prefix: listedPrefix(secret),
    createdAt: Date.now(),
    createdBy,
    lastUsedAt: null,
    revokedAt: null,
  });
}
