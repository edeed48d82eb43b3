import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config.js';
import { tracingRequested } from './ops/tracing-env.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // The SDK must hook http, express, pg and ioredis before they load, so the app is imported after it starts.
  if (tracingRequested(process.env)) await (await import('./ops/tracing.js')).startTracing();
  const { createApp } = await import('./app.factory.js');
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`relabel failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
