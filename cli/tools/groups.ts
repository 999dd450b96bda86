/** `sluice groups list|describe|delete`, like kafka-consumer-groups.sh. */
import type { Command } from 'commander';
import kafkajs from 'kafkajs';
import { table, withAdmin, withBootstrap, type ToolIo } from './client.js';

const { AssignerProtocol } = kafkajs;

interface BootstrapOptions {
  bootstrapServer: string;
}

export function registerGroupCommands(program: Command, io: ToolIo): void {
  const groups = program.command('groups').description('list and describe consumer groups over the Kafka protocol');

  withBootstrap(groups.command('list').description('list consumer groups'))
    .action(async (options: BootstrapOptions) => {
      await withAdmin(options.bootstrapServer, async (admin) => {
        const { groups: list } = await admin.listGroups();
        for (const g of [...list].sort((a, b) => a.groupId.localeCompare(b.groupId))) io.stdout.write(`${g.groupId}\n`);
      });
    });

  withBootstrap(groups.command('describe').description('members, assignments, committed offsets and lag per partition').argument('<groups...>'))
    .action(async (names: string[], options: BootstrapOptions) => {
      await withAdmin(options.bootstrapServer, async (admin) => {
        const described = await admin.describeGroups(names);
        for (const group of described.groups) {
          io.stdout.write(`Group ${group.groupId}: state ${group.state}, protocol ${group.protocol || '-'}, ${group.members.length} member(s)\n`);
          // Who owns which partition, from the assignments the leader sent in SyncGroup.
          const owner = new Map<string, { memberId: string; clientId: string; clientHost: string }>();
          const memberRows: string[][] = [];
          for (const member of group.members) {
            const decoded = member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
            const parts: string[] = [];
            for (const [topic, partitions] of Object.entries(decoded?.assignment ?? {})) {
              for (const partition of partitions) owner.set(`${topic}\u0000${partition}`, member);
              parts.push(`${topic}:${[...partitions].sort((a, b) => a - b).join(',')}`);
            }
            memberRows.push([member.memberId, member.clientId, member.clientHost, parts.join(' ') || '-']);
          }
          if (memberRows.length > 0) io.stdout.write(table(['MEMBER-ID', 'CLIENT-ID', 'HOST', 'ASSIGNMENT'], memberRows));

          const committed = await admin.fetchOffsets({ groupId: group.groupId });
          const topics = new Set<string>(committed.map((c) => c.topic));
          for (const key of owner.keys()) topics.add(key.split('\u0000')[0]!);
          const rows: Array<Array<string | number>> = [];
          for (const topic of [...topics].sort()) {
            let ends: Array<{ partition: number; high: string }>;
            try {
              ends = await admin.fetchTopicOffsets(topic);
            } catch {
              ends = [];
            }
            const committedByPartition = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
            const partitions = new Set<number>([...ends.map((e) => e.partition), ...committedByPartition.keys()]);
            for (const partition of [...partitions].sort((a, b) => a - b)) {
              const current = committedByPartition.get(partition);
              const endText = ends.find((e) => e.partition === partition)?.high;
              const end = endText === undefined ? undefined : Number(endText);
              const m = owner.get(`${topic}\u0000${partition}`);
              const hasCommit = current !== undefined && current >= 0;
              rows.push([
                topic,
                partition,
                hasCommit ? current : '-',
                end ?? '-',
                end !== undefined ? (hasCommit ? Math.max(0, end - current) : '-') : '-',
                m?.memberId ?? '-',
                m?.clientHost ?? '-',
                m?.clientId ?? '-',
              ]);
            }
          }
          if (rows.length > 0) io.stdout.write(table(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows));
        }
      });
    });

  withBootstrap(groups.command('delete').description('delete consumer groups that have no members (and their offsets)').argument('<groups...>'))
    .action(async (names: string[], options: BootstrapOptions) => {
      await withAdmin(options.bootstrapServer, async (admin) => {
        await admin.deleteGroups(names);
        for (const name of names) io.stdout.write(`Deleted group ${name}.\n`);
      });
    });
}
