import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DynamicModule, type INestApplicationContext, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig } from '../config/config.js';
import { ConfigModule } from '../config/config.module.js';
import { openDatabase } from '../database/data-source.js';
import { DatabaseModule } from '../database/database.module.js';
import { Db } from '../database/db.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { OpsModule } from '../ops/ops.module.js';

export type Env = Record<string, string | undefined>;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: CliIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** Bad arguments: answered with the message, the usage and exit code 2. */
export class UsageError extends Error {}

/** `error: <message>` and the usage on stderr; the exit code of bad arguments. */
export function usageFailure(io: CliIo, error: unknown, usage: string): number {
  io.err(`error: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  return 2;
}

/** The environment as the service reads it, or undefined (reported on stderr) when it is invalid. */
export function cliConfig(env: Env, io: CliIo): AppConfig | undefined {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return undefined;
  }
}

/**
 * The modules of a command-line process: the feature modules it asks for, on the service's database,
 * configuration and job interface. It runs no jobs: the queue is in-process with no workers and no
 * start-up recoveries, whatever REDIS_URL and ROLE say, so a CLI never competes with the service.
 */
@Module({})
class CliModule {
  static forRoot(config: AppConfig, db: Db, features: (Type | DynamicModule)[]): DynamicModule {
    const noJobs = Object.assign(new AppConfig(), config, { ROLE: 'api', REDIS_URL: undefined });
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(noJobs), DatabaseModule.forDb(db), OpsModule, JobsModule, ...features],
    };
  }
}

/**
 * Opens the database (migrated, as for the service), builds a Nest application context of
 * `features` on it, runs `work` and closes the context. Resolves to `work`'s exit code, or 2 when
 * the environment is invalid.
 */
export async function withAppContext(
  env: Env,
  io: CliIo,
  features: (Type | DynamicModule)[],
  work: (app: INestApplicationContext) => Promise<number>,
): Promise<number> {
  const config = cliConfig(env, io);
  if (!config) return 2;
  return withContextOf(config, features, work);
}

/** As withAppContext, for a configuration already at hand (benchmarks build theirs). */
export async function withContextOf<T>(
  config: AppConfig,
  features: (Type | DynamicModule)[],
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const db = new Db(await openDatabase(config));
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db, features), {
      logger: ['error', 'warn'],
      abortOnError: false,
    });
  } catch (error) {
    await db.exclusive(() => db.dataSource.destroy());
    throw error;
  }
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** Runs `main` with the process's arguments when `moduleUrl` is the entry point, and sets the exit code. */
export function runWhenInvoked(moduleUrl: string, name: string, main: (argv: string[]) => Promise<number>): void {
  if (!invokedDirectly(moduleUrl)) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

function invokedDirectly(moduleUrl: string): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
