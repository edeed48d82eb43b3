import { plainToInstance, Transform } from 'class-transformer';
import { DURATION_PATTERN, MAX_RETENTION_MS, parseDuration } from '../common/durations.js';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

export const ROLES = ['all', 'api', 'worker'] as const;
export const JOB_RUNNERS = ['thread', 'in-process'] as const;
/** JOB_STEP_BUDGET_MS's default (bench/README.md, "Issue 11, eighth pass"). */
export const DEFAULT_STEP_BUDGET_MS = 50;
export type JobRunner = (typeof JOB_RUNNERS)[number];
const RETENTION_PATTERN = new RegExp(`^(?:off|${DURATION_PATTERN.source.slice(1, -1)})$`);
const RETENTION_MESSAGE = { message: '$property must be a duration such as "30d" or "12h", or "off" to keep forever' };
export type ProcessRole = (typeof ROLES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The process environment, described once and checked at start-up. */
export class AppConfig {
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @IsString()
  DATA_DIR = './data';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @IsIn(ROLES)
  ROLE: ProcessRole = 'all';

  /**
   * Embedded mode (SQLite, no REDIS_URL, ROLE=all): in-process runs the jobs on the HTTP event loop;
   * thread runs them in a worker thread with a SQLite connection of its own. Ignored with REDIS_URL,
   * where BullMQ workers take the jobs. in-process is the default: on 2 cores the thread made ingest
   * 20-50% slower and the process 150 MB larger (bench/README.md, "The job thread").
   */
  @IsOptional()
  @IsIn(JOB_RUNNERS)
  JOB_RUNNER: JobRunner = 'in-process';

  /** Set by the app factory, never by the environment: which side of the job thread this app is. */
  jobThreadSide?: 'api' | 'worker';

  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'ADMIN_TOKEN must be at least 24 characters' })
  ADMIN_TOKEN?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ALERT_WEBHOOK_URL?: string;

  /** off: ingest leaves no pending markers, so no feature profiles are kept (to measure what they cost). */
  @IsOptional()
  @IsIn(['on', 'off'])
  MONITORING_PROFILES: 'on' | 'off' = 'on';

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Public base URL used in printed links (login URL); defaults to http://localhost:PORT. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_URL?: string;

  /** Secret for session cookies and CSRF tokens; generated and kept in the database when unset. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SESSION_SECRET must be at least 32 characters' })
  SESSION_SECRET?: string;

  /**
   * auto: session cookies are Secure (and named __Host-...) when PUBLIC_URL is https or the request
   * came over https; plain on http, so loopback development works. on: always Secure.
   */
  @IsOptional()
  @IsIn(['auto', 'on'])
  COOKIE_SECURE: 'auto' | 'on' = 'auto';

  /** Largest accepted request body, in megabytes. */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? 16 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(512)
  BODY_LIMIT_MB = 16;

  /** A trace UI's URL with `{traceId}` in it (e.g. Jaeger's): prediction pages link their trace id there. */
  @IsOptional()
  @Matches(/^https?:\/\/\S*\{traceId\}\S*$/, { message: 'TRACE_URL_TEMPLATE must be an http(s) URL containing {traceId}' })
  TRACE_URL_TEMPLATE?: string;

  /** Failed authentications (bad token or cookie, failed sign-in) per client address per minute before 429s. */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? 30 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_FAILURE_LIMIT = 30;

  /** Failed attempts at one label-change outbox row before it is dead-lettered and the rollups go on without it. */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(1000)
  OUTBOX_MAX_ATTEMPTS = 5;

  /**
   * On SQLite, how long one step of a background drain (label join, window closing, slice rollups)
   * may hold the writer, and on the embedded runner the event loop, while reads come in; 0 keeps
   * every step at its full size. Lower answers reads sooner under a backlog and drains it slower.
   */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? DEFAULT_STEP_BUDGET_MS : Number(value)))
  @IsInt()
  @Min(0)
  @Max(10_000)
  JOB_STEP_BUDGET_MS = DEFAULT_STEP_BUDGET_MS;

  /** How long finished exports (file, manifest, row) are kept after they finished; "off" keeps them. */
  @IsOptional()
  @Matches(RETENTION_PATTERN, RETENTION_MESSAGE)
  RETENTION_EXPORTS = '30d';

  /** How long label-change outbox rows are kept once applied (they are also the prediction page's label timeline). */
  @IsOptional()
  @Matches(RETENTION_PATTERN, RETENTION_MESSAGE)
  RETENTION_OUTBOX = '90d';

  /** How long delivered webhook notifications are kept. */
  @IsOptional()
  @Matches(RETENTION_PATTERN, RETENTION_MESSAGE)
  RETENTION_NOTIFICATIONS = '30d';

  /** How long orphaned events (their prediction never came) are kept after they were orphaned. */
  @IsOptional()
  @Matches(RETENTION_PATTERN, RETENTION_MESSAGE)
  RETENTION_ORPHANED_EVENTS = '30d';

  /** How often the retention job runs. */
  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'RETENTION_EVERY must be a duration such as "30m" or "1h"' })
  RETENTION_EVERY = '1h';

  /** Key prefix for BullMQ queues, so several deployments can share one Redis. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'QUEUE_PREFIX must be 1-40 letters, digits, _ . -' })
  QUEUE_PREFIX = 'relabel';

  get databaseKind(): 'sqlite' | 'postgres' {
    return this.DATABASE_URL ? 'postgres' : 'sqlite';
  }

  get runsApi(): boolean {
    return this.ROLE !== 'worker' && this.jobThreadSide !== 'worker';
  }

  get runsWorkers(): boolean {
    return this.ROLE !== 'api' && this.jobThreadSide !== 'api';
  }

  /** Whether jobs run in a worker thread of this process (the embedded mode's default). */
  get wantsJobThread(): boolean {
    return this.JOB_RUNNER === 'thread' && this.databaseKind === 'sqlite' && !this.REDIS_URL && this.ROLE === 'all';
  }
}

export class ConfigError extends Error {}

const ENV_KEYS = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'REDIS_URL',
  'ROLE',
  'JOB_RUNNER',
  'ADMIN_TOKEN',
  'ALERT_WEBHOOK_URL',
  'MONITORING_PROFILES',
  'LOG_LEVEL',
  'PUBLIC_URL',
  'SESSION_SECRET',
  'AUTH_FAILURE_LIMIT',
  'BODY_LIMIT_MB',
  'QUEUE_PREFIX',
  'TRACE_URL_TEMPLATE',
  'OUTBOX_MAX_ATTEMPTS',
  'JOB_STEP_BUDGET_MS',
  'COOKIE_SECURE',
  'RETENTION_EXPORTS',
  'RETENTION_OUTBOX',
  'RETENTION_NOTIFICATIONS',
  'RETENTION_ORPHANED_EVENTS',
  'RETENTION_EVERY',
] as const;

const RETENTION_KEYS = ['RETENTION_EXPORTS', 'RETENTION_OUTBOX', 'RETENTION_NOTIFICATIONS', 'RETENTION_ORPHANED_EVENTS'] as const;

/** Validates an environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.fromEntries(
    ENV_KEYS.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]),
  );
  const config = plainToInstance(AppConfig, known, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  for (const key of RETENTION_KEYS) {
    const value = config[key];
    if (value !== 'off' && DURATION_PATTERN.test(value) && parseDuration(value, MAX_RETENTION_MS) === null)
      problems.push(`${key}: must be more than 0 and at most 3660d (ten years)`);
  }
  if (parseDuration(config.RETENTION_EVERY) === null && DURATION_PATTERN.test(config.RETENTION_EVERY))
    problems.push('RETENTION_EVERY: must be more than 0 and at most 366d');
  if (config.ROLE !== 'all' && !config.REDIS_URL) {
    problems.push(`ROLE: ROLE=${config.ROLE} needs REDIS_URL (separate processes share jobs through Redis)`);
  }
  if (config.ROLE !== 'all' && !config.DATABASE_URL) {
    problems.push(`ROLE: ROLE=${config.ROLE} needs DATABASE_URL (separate processes share one PostgreSQL database)`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid environment:\n  ${problems.join('\n  ')}`);
  }
  return config;
}
