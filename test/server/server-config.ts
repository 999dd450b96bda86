/** A `startServer` config for tests: loopback, ephemeral ports, memory state, no fsync. */
export function testServerConfig(dataDir: string, extra: Record<string, unknown> = {}) {
  return {
    dataDir,
    host: '127.0.0.1',
    httpPort: 0,
    kafkaHost: '127.0.0.1',
    kafkaPort: 0,
    defaultPartitions: 1,
    autoCreateTopics: true,
    flush: 'os',
    stateBackend: 'memory' as const,
    ...extra,
  };
}
