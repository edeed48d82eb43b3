import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', ROLE: 'all', LOG_LEVEL: 'info', BODY_LIMIT_MB: 16 });
    expect(config.databaseKind).toBe('sqlite');
    expect(config.runsApi && config.runsWorkers).toBe(true);
  });

  it('switches to PostgreSQL and BullMQ by URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:6379', ROLE: 'worker', PORT: '8080' });
    expect(config.databaseKind).toBe('postgres');
    expect(config.PORT).toBe(8080);
    expect(config.runsApi).toBe(false);
    expect(config.runsWorkers).toBe(true);
  });

  it('keeps exports 30 days, applied outbox rows 90, notifications and orphaned events 30, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({
      RETENTION_EXPORTS: '30d',
      RETENTION_OUTBOX: '90d',
      RETENTION_NOTIFICATIONS: '30d',
      RETENTION_ORPHANED_EVENTS: '30d',
      RETENTION_EVERY: '1h',
      OUTBOX_MAX_ATTEMPTS: 5,
      COOKIE_SECURE: 'auto',
    });
    expect(loadConfig({ RETENTION_EXPORTS: 'off', OUTBOX_MAX_ATTEMPTS: '2' })).toMatchObject({
      RETENTION_EXPORTS: 'off',
      OUTBOX_MAX_ATTEMPTS: 2,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).databaseKind).toBe('sqlite');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ROLE: 'both' }, 'ROLE'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ROLE: 'api', DATABASE_URL: 'postgres://h/db' }, 'ROLE=api needs REDIS_URL'],
    [{ ROLE: 'worker', REDIS_URL: 'redis://h' }, 'ROLE=worker needs DATABASE_URL'],
    [{ ALERT_WEBHOOK_URL: 'not a url' }, 'ALERT_WEBHOOK_URL'],
    [{ RETENTION_EXPORTS: 'forever' }, 'RETENTION_EXPORTS'],
    [{ RETENTION_OUTBOX: '30 days' }, 'RETENTION_OUTBOX'],
    [{ RETENTION_NOTIFICATIONS: '-1d' }, 'RETENTION_NOTIFICATIONS'],
    [{ RETENTION_ORPHANED_EVENTS: 'never' }, 'RETENTION_ORPHANED_EVENTS'],
    [{ RETENTION_EVERY: 'off' }, 'RETENTION_EVERY'],
    [{ RETENTION_EVERY: '0s' }, 'RETENTION_EVERY'],
    [{ RETENTION_EXPORTS: '3661d' }, 'RETENTION_EXPORTS'],
    [{ RETENTION_OUTBOX: '0d' }, 'RETENTION_OUTBOX'],
    [{ OUTBOX_MAX_ATTEMPTS: '0' }, 'OUTBOX_MAX_ATTEMPTS'],
    [{ COOKIE_SECURE: 'off' }, 'COOKIE_SECURE'],
  ])('stops on %j with a message naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
    }
  });
});
