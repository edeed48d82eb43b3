// Preloaded into the service only when profiling: exit normally on SIGTERM so that
// `node --cpu-prof` writes its profile (Nest's shutdown hook re-raises the signal instead).
process.once('SIGTERM', () => process.exit(0));
