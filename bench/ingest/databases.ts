import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSecondsOf, freePort } from './service.js';

/**
 * PostgreSQL and Redis of bench:scale-out's own, in a temporary directory on loopback ports, started
 * as .ci/run starts them (root runs PostgreSQL as the postgres user) and stopped by stop().
 * synchronous_commit=off gives PostgreSQL the durability of the embedded mode's SQLite
 * (synchronous=NORMAL under WAL: a crash may lose the last commits, never corrupt).
 */
export class Databases {
  private constructor(
    private readonly dir: string,
    private readonly pgBin: string,
    readonly pgPort: number,
    readonly redisPort: number,
  ) {}

  /** settings: more `-c name=value` options for PostgreSQL (bench:scale-out --eager-autovacuum). */
  static async start(dir: string, settings: string[] = []): Promise<Databases> {
    const pgBin = findPgBin();
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    const pg = join(dir, 'pg');
    const sock = join(dir, 'pgsock');
    mkdirSync(pg, { recursive: true });
    mkdirSync(sock, { recursive: true });
    chmodSync(dir, 0o755);
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(pg, postgresUid, -1);
    chownSync(sock, postgresUid, -1);
    const asPostgres = (args: string[]) => {
      const run = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${args[0]} failed: ${run.stderr}${run.stdout}`);
    };
    asPostgres([join(pgBin, 'initdb'), '-D', pg, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
    const options = [
      `-p ${pgPort} -k ${sock} -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c max_connections=200 -c shared_buffers=256MB -c shared_preload_libraries=pg_stat_statements`,
      ...settings.map((setting) => `-c ${setting}`),
    ].join(' ');
    asPostgres([join(pgBin, 'pg_ctl'), '-D', pg, '-l', join(sock, 'pg.log'), '-w', '-o', options, 'start']);
    const redis = spawnSync('redis-server', [
      '--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes',
      '--dir', dir, '--pidfile', join(dir, 'redis.pid'), '--logfile', join(dir, 'redis.log'),
    ]);
    if (redis.status !== 0) throw new Error(`redis-server failed: ${redis.stderr}`);
    const databases = new Databases(dir, pgBin, pgPort, redisPort);
    for (let i = 0; i < 50 && !existsSync(join(dir, 'redis.pid')); i++) await sleep(100);
    return databases;
  }

  /** A fresh database for one configuration of the run. */
  async create(name: string): Promise<string> {
    const run = spawnSync(join(this.pgBin, 'psql'), ['-h', '127.0.0.1', '-p', String(this.pgPort), '-U', 'postgres', '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`CREATE DATABASE ${name} failed: ${run.stderr}`);
    return `postgres://postgres@127.0.0.1:${this.pgPort}/${name}`;
  }

  /**
   * The statements that took the most of PostgreSQL's time in one database (pg_stat_statements):
   * total ms, calls, and the statement's start, for finding what serialises.
   */
  topStatements(url: string, limit = 8): { totalMs: number; calls: number; query: string }[] {
    const name = new URL(url).pathname.slice(1);
    const sql = `CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
      SELECT round(total_exec_time)::bigint, calls, regexp_replace(left(query, 110), '\\s+', ' ', 'g')
      FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '${name}'
      ORDER BY total_exec_time DESC LIMIT ${limit}`;
    const run = spawnSync(join(this.pgBin, 'psql'), ['-h', '127.0.0.1', '-p', String(this.pgPort), '-U', 'postgres', '-d', name, '-At', '-F', '\t', '-c', sql], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`pg_stat_statements: ${run.stderr}`);
    return run.stdout
      .trim()
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => {
        const [totalMs, calls, query] = line.split('\t');
        return { totalMs: Number(totalMs), calls: Number(calls), query };
      });
  }

  /** ANALYZE of one database: fresh planner statistics (autovacuum gathers them on its own schedule). */
  analyze(url: string): void {
    const name = new URL(url).pathname.slice(1);
    const run = spawnSync(join(this.pgBin, 'psql'), ['-h', '127.0.0.1', '-p', String(this.pgPort), '-U', 'postgres', '-d', name, '-c', 'ANALYZE'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`ANALYZE: ${run.stderr}`);
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  /** CPU seconds used so far by every PostgreSQL process and by Redis. */
  cpuSeconds(): { postgres: number; redis: number } {
    const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
    let postgres = 0;
    for (const pid of pids) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') postgres += cpuSecondsOf(pid);
      } catch {
        // gone
      }
    }
    const redisPid = readFileSync(join(this.dir, 'redis.pid'), 'utf8').trim();
    return { postgres, redis: cpuSecondsOf(redisPid) };
  }

  stop(): void {
    spawnSync('runuser', ['-u', 'postgres', '--', join(this.pgBin, 'pg_ctl'), '-D', join(this.dir, 'pg'), '-m', 'fast', '-w', 'stop']);
    try {
      process.kill(Number(readFileSync(join(this.dir, 'redis.pid'), 'utf8').trim()));
    } catch {
      // already gone
    }
  }
}

function findPgBin(): string {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) return `/usr/lib/postgresql/${v}/bin`;
  throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
}
