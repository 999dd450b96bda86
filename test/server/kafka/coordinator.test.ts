/** The group coordinator on simulated time: generations, rebalances, session and rebalance timeouts. */
import { beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../common/index.js';
import { GroupCoordinator, KafkaErrorCode as E } from '../../../server/kafka/index.js';
import type { Log } from '../../../storage/log/index.js';
import { openTestLog, recordingLogger } from './helpers.js';

let clock: SimulatedClock;
let log: Log;
let coordinator: GroupCoordinator;
const client = { clientId: 'c', clientHost: '127.0.0.1' };

beforeEach(async () => {
  clock = new SimulatedClock(1_000_000);
  log = await openTestLog();
  coordinator = new GroupCoordinator({ log, clock, logger: recordingLogger(), sessionTimeoutMinMs: 100, sessionTimeoutMaxMs: 60_000, groupMembersMax: 3 });
});

const join = (memberId = '', options: { session?: number; rebalance?: number; protocols?: string[] } = {}) =>
  coordinator.join(
    {
      groupId: 'g',
      sessionTimeoutMs: options.session ?? 1_000,
      rebalanceTimeoutMs: options.rebalance ?? 5_000,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: (options.protocols ?? ['range']).map((name) => ({ name, metadata: Buffer.from(name) })),
    },
    client,
  );
const sync = (memberId: string, generationId: number, assignments: Array<[string, string]> = []) =>
  coordinator.sync({ groupId: 'g', generationId, memberId, groupInstanceId: null, assignments: assignments.map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })) });
const heartbeat = (memberId: string, generationId: number) => coordinator.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId: null });

/** Lets promise callbacks run (the coordinator answers synchronously, waiters resolve on the microtask queue). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function stableGroupOfTwo() {
  const a = await join();
  const first = await sync(a.memberId, a.generationId, [[a.memberId, 'A-all']]);
  expect(first.assignment.toString()).toBe('A-all');
  const bJoin = join();
  await settle();
  expect(heartbeat(a.memberId, a.generationId)).toBe(E.REBALANCE_IN_PROGRESS);
  const aJoin = join(a.memberId);
  const [a2, b2] = await Promise.all([aJoin, bJoin]);
  return { a: a2, b: b2 };
}

describe('group coordinator', () => {
  it('a single member joining an empty group completes at once and leads', async () => {
    const response = await join();
    expect(response).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
    expect(response.leader).toBe(response.memberId);
    expect(response.members.map((m) => m.memberId)).toEqual([response.memberId]);
    expect(clock.nowMs()).toBe(1_000_000);
    expect(coordinator.groupState('g')).toEqual({ state: 'CompletingRebalance', generationId: 1, members: 1 });
  });

  it('a second member triggers a rebalance; the leader gets all members, followers wait for the assignment', async () => {
    const { a, b } = await stableGroupOfTwo();
    expect(a.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(a.leader).toBe(a.memberId);
    expect(a.members).toHaveLength(2);
    expect(b.members).toHaveLength(0);

    let followerDone = false;
    const follower = sync(b.memberId, 2).then((r) => ((followerDone = true), r));
    await settle();
    expect(followerDone).toBe(false);
    const leader = await sync(a.memberId, 2, [[a.memberId, 'A'], [b.memberId, 'B']]);
    expect(leader.assignment.toString()).toBe('A');
    expect((await follower).assignment.toString()).toBe('B');
    expect(coordinator.groupState('g')!.state).toBe('Stable');
    expect(heartbeat(b.memberId, 2)).toBe(E.NONE);
    expect(heartbeat(b.memberId, 1)).toBe(E.ILLEGAL_GENERATION);
    expect(heartbeat('stranger', 2)).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('drops a member whose session expires and rebalances the rest', async () => {
    const { a, b } = await stableGroupOfTwo();
    await Promise.all([sync(a.memberId, 2, [[a.memberId, 'A'], [b.memberId, 'B']]), sync(b.memberId, 2)]);
    const answers: number[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(400);
      answers.push(heartbeat(a.memberId, 2)); // a keeps heartbeating, b does not (session 1000 ms)
    }
    expect(answers).toEqual([E.NONE, E.NONE, E.REBALANCE_IN_PROGRESS]);
    expect(coordinator.groupState('g')).toMatchObject({ state: 'PreparingRebalance', members: 1 });
    const rejoin = await join(a.memberId);
    expect(rejoin).toMatchObject({ generationId: 3, leader: a.memberId });
    expect(rejoin.members).toHaveLength(1);
    expect(heartbeat(b.memberId, 2)).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('completes a rebalance without members that do not rejoin within the rebalance timeout', async () => {
    const a = await join('', { rebalance: 3_000, session: 30_000 });
    await sync(a.memberId, 1, [[a.memberId, 'A']]);
    let bDone = false;
    const bJoin = join('', { rebalance: 3_000, session: 30_000 }).then((r) => ((bDone = true), r));
    clock.advance(2_999);
    await settle();
    expect(bDone).toBe(false);
    clock.advance(1);
    const b = await bJoin;
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: b.memberId });
    expect(heartbeat(a.memberId, 1)).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('empties the group when the last member leaves, and rejects unknown members', async () => {
    const a = await join();
    expect(coordinator.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] }).members[0]!.errorCode).toBe(0);
    expect(coordinator.groupState('g')).toMatchObject({ state: 'Empty', members: 0 });
    expect(coordinator.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] }).members[0]!.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await join('ghost')).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await sync('ghost', 1)).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('checks session timeouts and protocol compatibility', async () => {
    expect((await join('', { session: 10 })).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    await join('', { protocols: ['range'] });
    expect((await join('', { protocols: ['other'] })).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('a member of an older generation cannot commit; the current one can, and offsets go to the log', async () => {
    await log.createTopic('t', { partitions: 2 });
    const a = await join();
    await sync(a.memberId, 1, [[a.memberId, 'A']]);
    const commit = (generationId: number, memberId: string) =>
      coordinator.commitOffsets({ groupId: 'g', generationId, memberId, topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 7, committedMetadata: null }] }] });
    expect((await commit(0, a.memberId)).topics[0]!.partitions[0]!.errorCode).toBe(E.ILLEGAL_GENERATION);
    expect((await commit(1, 'ghost')).topics[0]!.partitions[0]!.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await commit(-1, '')).topics[0]!.partitions[0]!.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await commit(1, a.memberId)).topics[0]!.partitions[0]!.errorCode).toBe(E.NONE);
    expect(log.fetchOffsets('g')).toMatchObject([{ topic: 't', partition: 1, offset: 7 }]);
    const fetched = coordinator.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] });
    expect(fetched.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([-1, 7]);
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics).toEqual([
      { name: 't', partitions: [{ partitionIndex: 1, committedOffset: 7, metadata: '', errorCode: 0 }] },
    ]);
    // An admin commit (generation -1) works once the group has no members.
    coordinator.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
    expect((await commit(-1, '')).topics[0]!.partitions[0]!.errorCode).toBe(E.NONE);
  });

  it('describes, lists and deletes groups', async () => {
    const a = await join();
    await sync(a.memberId, 1, [[a.memberId, 'A']]);
    expect(coordinator.describe(['g', 'nobody'])).toMatchObject([
      { groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', members: [{ memberId: a.memberId, clientId: 'c' }] },
      { groupId: 'nobody', groupState: 'Dead' },
    ]);
    expect(coordinator.list()).toEqual([{ groupId: 'g', protocolType: 'consumer' }]);
    expect(await coordinator.deleteGroups(['g', 'nobody'])).toEqual([
      { groupId: 'g', errorCode: E.NON_EMPTY_GROUP },
      { groupId: 'nobody', errorCode: E.GROUP_ID_NOT_FOUND },
    ]);
    coordinator.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
    expect(await coordinator.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: E.NONE }]);
    expect(coordinator.list()).toEqual([]);
  });

  it('close answers waiting members and stops the timers', async () => {
    await join('', { rebalance: 10_000 });
    const pending = join('', { rebalance: 10_000 });
    coordinator.close();
    expect((await pending).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE);
    expect(clock.pendingTimers()).toBe(0);
  });
});
