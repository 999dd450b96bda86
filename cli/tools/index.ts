/**
 * cli/tools — the topic and group tools (`sluice topics|produce|consume|groups`). They are
 * Kafka clients (kafkajs), so they work against Sluice's listener and against any Kafka broker;
 * they import nothing from the server.
 */
import type { Command } from 'commander';
import { processIo, type ToolIo } from './client.js';
import { registerConsumeCommand } from './consume.js';
import { registerGroupCommands } from './groups.js';
import { registerProduceCommand } from './produce.js';
import { registerTopicCommands } from './topics.js';

export type { ToolIo } from './client.js';
export { DEFAULT_BOOTSTRAP_SERVER } from './client.js';

/** Adds `topics`, `produce`, `consume` and `groups` to the program. `io` defaults to the process's streams. */
export function registerKafkaTools(program: Command, io: ToolIo = processIo): void {
  registerTopicCommands(program, io);
  registerProduceCommand(program, io);
  registerConsumeCommand(program, io);
  registerGroupCommands(program, io);
}
