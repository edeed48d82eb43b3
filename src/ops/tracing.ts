import { register } from 'node:module';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { markTracingStarted } from './telemetry.js';

const UNTRACED_PATHS = new Set(['/health', '/metrics']);

/**
 * Starts the OpenTelemetry SDK from the standard OTEL_* variables (endpoint, headers, protocol,
 * sampler, resource attributes). Must run before @nestjs/core, express, pg or ioredis are imported:
 * instrumentation hooks a module as it loads, so main.ts imports the app only after this resolves.
 */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Spans only: metrics stay on /metrics (Prometheus) and logs on stdout unless asked for explicitly.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  // ESM imports (express as imported by @nestjs/platform-express, node:http) are hooked by
  // import-in-the-middle, limited to the modules the instrumentations ask for.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: 'relabel' }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]),
        // The exporter's own POSTs to the collector would otherwise be traced too.
        ignoreOutgoingRequestHook: () => true,
      }),
      new ExpressInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  await waitForAllMessagesAcknowledged();
  markTracingStarted(() => sdk.shutdown());
}
