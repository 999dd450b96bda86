/** The topic and group tools (cli/tools) against the listener, through commander as the CLI runs them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { registerKafkaTools, type ToolIo } from '../../../cli/tools/index.js';
import { startTestBroker, type TestBroker } from './helpers.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker({ defaultPartitions: 2 });
});
afterAll(async () => {
  await broker.close();
});

/** Runs `sluice <args...> --bootstrap-server <listener>` and returns what it printed. */
async function sluice(args: string[], stdin = ''): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const io: ToolIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: Readable.from([stdin]),
    interrupted: () => new Promise(() => {}),
  };
  const program = new Command().exitOverride().configureOutput({ writeOut: (t) => (out += t), writeErr: (t) => (err += t) });
  registerKafkaTools(program, io);
  await program.parseAsync([...args, '--bootstrap-server', broker.bootstrap], { from: 'user' });
  return { out, err };
}

describe('sluice topics / produce / consume / groups', () => {
  it('creates, lists, describes and alters topics', async () => {
    expect((await sluice(['topics', 'create', 'clicks', '--partitions', '3', '--config', 'retention.ms=60000'])).out).toBe('Created topic clicks.\n');
    await expect(sluice(['topics', 'create', 'clicks'])).rejects.toThrow(/already exists/);
    expect((await sluice(['topics', 'create', 'clicks', '--if-not-exists'])).out).toMatch(/already exists/);
    expect((await sluice(['topics', 'list'])).out.split('\n')).toContain('clicks');

    const described = (await sluice(['topics', 'describe', 'clicks'])).out;
    expect(described).toMatch(/Topic: clicks\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: .*retention\.ms=60000/);
    expect(described.split('\n').filter((l) => /^\d+\s+1\s+1\s+1\s+0\s+0$/.test(l))).toHaveLength(3);

    await sluice(['topics', 'alter', 'clicks', '--partitions', '4', '--config', 'cleanup.policy=compact']);
    expect(broker.log.describeTopic('clicks')).toMatchObject({ partitions: 4, configs: { 'cleanup.policy': 'compact', 'retention.ms': '60000' } });
    await expect(sluice(['topics', 'alter', 'clicks', '--partitions', '2'])).rejects.toThrow();
  });

  it('produces stdin lines (with keys) and consumes them back; groups show members, offsets and lag', async () => {
    await sluice(['topics', 'create', 'lines', '--partitions', '1']);
    const produced = await sluice(['produce', 'lines', '--parse-key'], 'k1\tfirst\nk2\tsecond\nk1\tthird\n');
    expect(produced.err).toMatch(/3 records sent/);
    await sluice(['produce', 'lines'], 'no key here\n');

    const consumed = await sluice(['consume', 'lines', '--from-beginning', '--max-messages', '4', '--print-key', '--group', 'readers']);
    expect(consumed.out).toBe('k1\tfirst\nk2\tsecond\nk1\tthird\nnull\tno key here\n');

    // The group committed what it printed, so the lag is 0; one more line makes it 1.
    await sluice(['produce', 'lines'], 'late\n');
    expect((await sluice(['groups', 'list'])).out.split('\n')).toContain('readers');
    const described = (await sluice(['groups', 'describe', 'readers'])).out;
    expect(described).toMatch(/Group readers: state Empty/);
    expect(described).toMatch(/lines\s+0\s+4\s+5\s+1\s/);

    // A throw-away group reads from the start and commits nothing.
    const again = await sluice(['consume', 'lines', '--from-beginning', '--max-messages', '5']);
    expect(again.out.split('\n')).toHaveLength(6);
    const partial = await sluice(['consume', 'lines', '--group', 'readers', '--timeout-ms', '500']);
    expect(partial.out).toBe('late\n');
  });

  it('deletes topics', async () => {
    await sluice(['topics', 'create', 'doomed']);
    expect((await sluice(['topics', 'delete', 'doomed'])).out).toBe('Deleted topic doomed.\n');
    expect(broker.log.hasTopic('doomed')).toBe(false);
  });
});
