import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns.js';

export const TOKEN_ROLES = ['ingest', 'labeler', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

@Entity('api_tokens')
export class TokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: TokenRole;

  /** sha256 of the secret; the secret itself is never stored. */
  @Index('idx_api_tokens_secret_hash', { unique: true })
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  /** The first characters of the secret, to tell tokens apart in listings. */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 100, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastUsedAt!: number | null;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  revokedAt!: number | null;

  /** Session cookies carry the generation they were issued in; a logout moves it on, voiding every one before. */
  @Column({ name: 'session_generation', type: 'integer', default: 0 })
  sessionGeneration!: number;
}
