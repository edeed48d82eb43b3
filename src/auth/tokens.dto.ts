import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Length } from 'class-validator';
import { type TokenEntity, TOKEN_ROLES, type TokenRole } from './token.entity.js';
import type { CreatedToken } from './tokens.service.js';

export class CreateTokenDto {
  @ApiProperty({ description: 'Who or what uses the token', minLength: 1, maxLength: 100, example: 'alice' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: TOKEN_ROLES, example: 'labeler' })
  @IsIn(TOKEN_ROLES)
  role!: TokenRole;
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: TOKEN_ROLES })
  role!: TokenRole;

  @ApiProperty({ description: 'The first characters of the secret, to tell tokens apart', example: 'rl_q3Xv9aB' })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Name of the token that created it, "cli", "environment" or "first-start"',
  })
  createdBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Updated at most once a minute' })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: string | null;
}

export class CreatedTokenDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: TOKEN_ROLES })
  role!: TokenRole;

  @ApiProperty()
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'The secret, sent as `Authorization: Bearer <token>`. Shown only in this response.' })
  token!: string;
}

export class TokenListDto {
  @ApiProperty({ type: [TokenDto], description: 'Every token, revoked ones included, oldest first' })
  tokens!: TokenDto[];
}

export function toTokenDto(token: TokenEntity): TokenDto {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    prefix: token.prefix,
    createdAt: iso(token.createdAt),
    createdBy: token.createdBy,
    lastUsedAt: token.lastUsedAt === null ? null : iso(token.lastUsedAt),
    revokedAt: token.revokedAt === null ? null : iso(token.revokedAt),
  };
}

export function toCreatedTokenDto({ token, secret }: CreatedToken): CreatedTokenDto {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    prefix: token.prefix,
    createdAt: iso(token.createdAt),
    token: secret,
  };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
