/**
 * Whether this environment asks for traces: an OTLP endpoint is set (the general or the traces one),
 * and neither OTEL_SDK_DISABLED nor OTEL_TRACES_EXPORTER=none turns it off. Kept free of
 * OpenTelemetry imports, so a process without the variables never loads the SDK.
 */
export function tracingRequested(env: Record<string, string | undefined>): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint?.trim()) return false;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim().toLowerCase());
  return !exporters.includes('none');
}
