import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { TOKEN_ROLES, type TokenEntity, type TokenRole } from '../auth/token.entity.js';
import { TokensModule } from '../auth/tokens.module.js';
import { TokensService } from '../auth/tokens.service.js';
import { ApiError } from '../common/api-error.js';
import { type CliIo, type Env, processIo, runWhenInvoked, UsageError, usageFailure, withAppContext } from './runner.js';

export type { CliIo } from './runner.js';

export const USAGE = `Usage: npm run token -- <command>

Commands:
  create --role <${TOKEN_ROLES.join('|')}> --name <name>   create a token and print its secret (shown once)
  list                                           list tokens (never their secrets)
  revoke <id>                                    revoke a token; its sessions end too

The database comes from the environment (DATA_DIR or DATABASE_URL), as for the service.
`;

type Command =
  { kind: 'create'; role: TokenRole; name: string } | { kind: 'list' } | { kind: 'revoke'; id: string } | { kind: 'help' };

export function parseCommand(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { kind: 'help' };
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { role: { type: 'string' }, name: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  switch (command) {
    case 'create': {
      const name = values.name?.trim() ?? '';
      if (positionals.length > 0) throw new UsageError(`create takes no positional arguments: ${positionals.join(' ')}`);
      if (!values.role || !(TOKEN_ROLES as readonly string[]).includes(values.role)) {
        throw new UsageError(`--role must be one of ${TOKEN_ROLES.join(', ')}`);
      }
      if (name.length < 1 || name.length > 100) throw new UsageError('--name must be 1-100 characters');
      return { kind: 'create', role: values.role as TokenRole, name };
    }
    case 'list':
      if (positionals.length > 0 || values.role !== undefined || values.name !== undefined)
        throw new UsageError('list takes no arguments');
      return { kind: 'list' };
    case 'revoke':
      if (positionals.length !== 1 || values.role !== undefined || values.name !== undefined)
        throw new UsageError('revoke takes exactly one token id');
      return { kind: 'revoke', id: positionals[0] };
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

/** Runs the token CLI; resolves to the exit code (0 ok, 1 failure, 2 bad arguments). */
export async function main(argv: string[], env: Env = process.env, io: CliIo = processIo): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageFailure(io, error, USAGE);
  }
  if (command.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  return withAppContext(env, io, [TokensModule], (app) => run(command, app.get(TokensService), io));
}

async function run(command: Exclude<Command, { kind: 'help' }>, tokens: TokensService, io: CliIo): Promise<number> {
  switch (command.kind) {
    case 'create': {
      const { token, secret } = await tokens.create(command.name, command.role, 'cli');
      io.out(`Created ${token.role} token "${token.name}" (id ${token.id}).\nSecret (shown only now): ${secret}\n`);
      return 0;
    }
    case 'list':
      io.out(formatTable(await tokens.list()));
      return 0;
    case 'revoke':
      try {
        await tokens.revoke(command.id);
      } catch (error) {
        if (error instanceof ApiError && error.getStatus() === 404) {
          io.err(`error: no token with id ${command.id}\n`);
          return 1;
        }
        throw error;
      }
      io.out(`Revoked token ${command.id}.\n`);
      return 0;
  }
}

export function formatTable(tokens: TokenEntity[]): string {
  if (tokens.length === 0) return 'No tokens.\n';
  const when = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));
  const rows = [
    ['ID', 'NAME', 'ROLE', 'PREFIX', 'CREATED', 'LAST USED', 'STATUS'],
    ...tokens.map((t) => [
      t.id,
      t.name,
      t.role,
      `${t.prefix}…`,
      when(t.createdAt),
      when(t.lastUsedAt),
      t.revokedAt === null ? 'active' : `revoked ${when(t.revokedAt)}`,
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

runWhenInvoked(import.meta.url, 'token', main);
