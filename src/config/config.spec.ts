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
