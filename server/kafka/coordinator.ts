/**
 * The consumer-group coordinator: Kafka's classic group protocol (JoinGroup / SyncGroup /
 * Heartbeat / LeaveGroup) for a single broker.
 *
 * States follow Kafka's GroupCoordinator: Empty -> PreparingRebalance -> CompletingRebalance ->
 * Stable. A join or a leave (or a member's session expiring) starts a rebalance; the rebalance
 * completes when every known member has rejoined, or when the largest rebalance timeout passes
 * (members that did not rejoin are dropped). There is no initial rebalance delay, so a single
 * member joining an empty group gets its answer at once. The broker only relays: the leader
 * computes assignments and sends them in SyncGroup.
 *
 * Committed offsets are not kept here: they go to `log.commitOffsets` and come back from
 * `log.fetchOffsets`, so they survive restarts. Group membership itself is in memory (as in
 * Kafka, members rejoin after a coordinator restart).
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import { ErrorCode } from './protocol/constants.js';
import type {
  DescribeGroupsResponse,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './protocol/messages.js';
import { isUnexpected, kafkaErrorCodeOf, messageOf } from './errors.js';
import type { KafkaListenerLogger } from './logger.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupCoordinatorOptions {
  log: Log;
  clock: Clock;
  logger: KafkaListenerLogger;
  /** Smallest / largest session timeout a member may ask for (Kafka: group.min/max.session.timeout.ms). */
  sessionTimeoutMinMs: number;
  sessionTimeoutMaxMs: number;
  /** Most members in one group (Kafka: group.max.size). */
  groupMembersMax: number;
}

export interface ClientInfo {
  clientId: string;
  clientHost: string;
}

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Array<{ name: string; metadata: Buffer }>;
  assignment: Buffer;
  pendingJoin: ((response: JoinGroupResponse) => void) | null;
  pendingSync: ((response: SyncGroupResponse) => void) | null;
  sessionTimer: Timer | null;
}

interface Group {
  groupId: string;
  state: GroupState;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  members: Map<string, Member>;
  rebalanceTimer: Timer | null;
}

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private closed = false;

  constructor(private readonly options: GroupCoordinatorOptions) {}

  // ---- JoinGroup ----

  join(request: JoinGroupRequest, client: ClientInfo): Promise<JoinGroupResponse> {
    const fail = (errorCode: number, memberId = request.memberId): Promise<JoinGroupResponse> =>
      Promise.resolve(joinError(errorCode, memberId));
    if (this.closed) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (request.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const { sessionTimeoutMinMs, sessionTimeoutMaxMs } = this.options;
    if (request.sessionTimeoutMs < sessionTimeoutMinMs || request.sessionTimeoutMs > sessionTimeoutMaxMs) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    if (request.protocols.length === 0 || request.protocolType === '') return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    const group = this.groupFor(request.groupId);
    const existing = request.memberId === '' ? undefined : group.members.get(request.memberId);
    if (request.memberId !== '' && !existing) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (!this.protocolsCompatible(group, request, existing)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    if (!existing && group.members.size >= this.options.groupMembersMax) return fail(81 /* GROUP_MAX_SIZE_REACHED */);

    return new Promise<JoinGroupResponse>((resolve) => {
      if (!existing) {
        const memberId = `${client.clientId || 'member'}-${randomUUID()}`;
        const member: Member = {
          memberId,
          groupInstanceId: request.groupInstanceId,
          clientId: client.clientId,
          clientHost: client.clientHost,
          sessionTimeoutMs: request.sessionTimeoutMs,
          rebalanceTimeoutMs: request.rebalanceTimeoutMs,
          protocolType: request.protocolType,
          protocols: request.protocols,
          assignment: EMPTY,
          pendingJoin: resolve,
          pendingSync: null,
          sessionTimer: null,
        };
        group.members.set(memberId, member);
        if (group.protocolType === null) group.protocolType = request.protocolType;
        this.options.logger.info({ group: group.groupId, member: memberId, members: group.members.size }, 'kafka group: member joined');
        this.prepareRebalance(group, `member ${memberId} joined`);
        this.maybeCompleteJoin(group);
        return;
      }

      const member = existing;
      const unchanged = sameProtocols(member.protocols, request.protocols);
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
      member.protocols = request.protocols;
      member.clientId = client.clientId;
      member.clientHost = client.clientHost;
      if (member.pendingJoin) member.pendingJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.pendingJoin = resolve;
      this.stopSessionTimer(member);

      if (unchanged && (group.state === 'Stable' || group.state === 'CompletingRebalance') && (group.state === 'CompletingRebalance' || member.memberId !== group.leaderId)) {
        // Nothing changed for this member: give it the current generation again.
        this.sendJoinResponse(group, member);
        return;
      }
      this.prepareRebalance(group, `member ${member.memberId} rejoined`);
      this.maybeCompleteJoin(group);
    });
  }

  private protocolsCompatible(group: Group, request: JoinGroupRequest, existing: Member | undefined): boolean {
    const others = [...group.members.values()].filter((m) => m !== existing);
    if (others.length === 0) return true;
    if (group.protocolType !== null && group.protocolType !== request.protocolType) return false;
    const names = new Set(request.protocols.map((p) => p.name));
    return commonProtocols(others).some((name) => names.has(name));
  }

  private groupFor(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') {
      group = {
        groupId,
        state: 'Empty',
        generationId: 0,
        protocolType: null,
        protocolName: null,
        leaderId: null,
        members: new Map(),
        rebalanceTimer: null,
      };
      this.groups.set(groupId, group);
    }
    return group;
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      for (const member of group.members.values()) {
        member.assignment = EMPTY;
        if (member.pendingSync) {
          const reply = member.pendingSync;
          member.pendingSync = null;
          reply(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          this.startSessionTimer(group, member);
        }
      }
    }
    if (group.state !== 'PreparingRebalance') {
      this.options.logger.info({ group: group.groupId, generation: group.generationId, reason }, 'kafka group: rebalance started');
    }
    group.state = 'PreparingRebalance';
    if (!group.rebalanceTimer) {
      let timeoutMs = 0;
      for (const member of group.members.values()) timeoutMs = Math.max(timeoutMs, member.rebalanceTimeoutMs);
      group.rebalanceTimer = this.options.clock.setTimer(timeoutMs, () => {
        group.rebalanceTimer = null;
        if (group.state === 'PreparingRebalance') this.completeJoin(group);
      });
    }
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    for (const member of group.members.values()) if (!member.pendingJoin) return;
    this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    group.rebalanceTimer?.cancel();
    group.rebalanceTimer = null;
    for (const member of [...group.members.values()]) {
      if (!member.pendingJoin) {
        this.options.logger.info({ group: group.groupId, member: member.memberId }, 'kafka group: member dropped (did not rejoin within the rebalance timeout)');
        this.dropMember(group, member);
      }
    }
    group.generationId += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.protocolType = null;
      group.leaderId = null;
      return;
    }
    const members = [...group.members.values()];
    group.protocolName = chooseProtocol(members);
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = members[0]!.memberId;
    group.state = 'CompletingRebalance';
    this.options.logger.info(
      { group: group.groupId, generation: group.generationId, members: members.length, protocol: group.protocolName },
      'kafka group: join completed',
    );
    for (const member of members) this.sendJoinResponse(group, member);
  }

  private sendJoinResponse(group: Group, member: Member): void {
    const reply = member.pendingJoin;
    if (!reply) return;
    member.pendingJoin = null;
    const isLeader = member.memberId === group.leaderId;
    const protocolName = group.protocolName ?? '';
    reply({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    });
    this.startSessionTimer(group, member);
  }

  // ---- SyncGroup ----

  sync(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (this.closed) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group || !member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (request.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        this.startSessionTimer(group, member);
        return Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance':
        return new Promise<SyncGroupResponse>((resolve) => {
          if (member.pendingSync) member.pendingSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.pendingSync = resolve;
          this.stopSessionTimer(member);
          if (member.memberId === group.leaderId) {
            const assignments = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
            for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY;
            group.state = 'Stable';
            this.options.logger.info({ group: group.groupId, generation: group.generationId }, 'kafka group: stable');
            for (const m of group.members.values()) {
              if (!m.pendingSync) continue;
              const reply = m.pendingSync;
              m.pendingSync = null;
              reply({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, assignment: m.assignment });
              this.startSessionTimer(group, m);
            }
          }
        });
    }
  }

  // ---- Heartbeat ----

  heartbeat(request: HeartbeatRequest): number {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        this.startSessionTimer(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
        this.startSessionTimer(group, member);
        return ErrorCode.NONE;
    }
  }

  // ---- LeaveGroup ----

  leave(request: LeaveGroupRequest): LeaveGroupResponse {
    const group = this.groups.get(request.groupId);
    const members = request.members.map(({ memberId, groupInstanceId }) => {
      const member = group?.members.get(memberId);
      if (!group || !member) return { memberId, groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.options.logger.info({ group: group.groupId, member: memberId }, 'kafka group: member left');
      this.removeMember(group, member, `member ${memberId} left`);
      return { memberId, groupInstanceId, errorCode: ErrorCode.NONE };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members };
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    this.dropMember(group, member);
    if (group.state === 'Dead') return;
    if (group.members.size === 0 && group.state !== 'PreparingRebalance') {
      group.rebalanceTimer?.cancel();
      group.rebalanceTimer = null;
      group.generationId += 1;
      group.state = 'Empty';
      group.protocolName = null;
      group.protocolType = null;
      group.leaderId = null;
      return;
    }
    if (group.members.size > 0 || group.state === 'PreparingRebalance') {
      this.prepareRebalance(group, reason);
      this.maybeCompleteJoin(group);
    }
  }

  private dropMember(group: Group, member: Member): void {
    this.stopSessionTimer(member);
    group.members.delete(member.memberId);
    if (member.pendingJoin) {
      const reply = member.pendingJoin;
      member.pendingJoin = null;
      reply(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    }
    if (member.pendingSync) {
      const reply = member.pendingSync;
      member.pendingSync = null;
      reply(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
    if (group.leaderId === member.memberId) group.leaderId = null;
  }

  private startSessionTimer(group: Group, member: Member): void {
    this.stopSessionTimer(member);
    if (this.closed) return;
    member.sessionTimer = this.options.clock.setTimer(member.sessionTimeoutMs, () => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member || member.pendingJoin || member.pendingSync) return;
      this.options.logger.info({ group: group.groupId, member: member.memberId, sessionTimeoutMs: member.sessionTimeoutMs }, 'kafka group: member session expired');
      this.removeMember(group, member, `member ${member.memberId} session expired`);
    });
  }

  private stopSessionTimer(member: Member): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = null;
  }

  // ---- offsets ----

  async commitOffsets(request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const respond = (errorCode: number): OffsetCommitResponse => ({
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    if (this.closed) return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (request.groupId === '') return respond(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(request.groupId);
    const live = group !== undefined && group.state !== 'Dead' && group.members.size > 0;
    if (request.generationId < 0 && !live) {
      // A client that only stores offsets here (admin tools, simple consumers).
    } else {
      if (!group || group.state === 'Dead') return respond(ErrorCode.UNKNOWN_MEMBER_ID);
      if (group.state === 'CompletingRebalance') return respond(ErrorCode.REBALANCE_IN_PROGRESS);
      const member = group.members.get(request.memberId);
      if (!member) return respond(ErrorCode.UNKNOWN_MEMBER_ID);
      if (request.generationId !== group.generationId) return respond(ErrorCode.ILLEGAL_GENERATION);
      if (!member.pendingJoin && !member.pendingSync) this.startSessionTimer(group, member);
    }
    const offsets = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata })),
    );
    try {
      if (offsets.length > 0) await this.options.log.commitOffsets(request.groupId, offsets);
      return respond(ErrorCode.NONE);
    } catch (error) {
      if (isUnexpected(error)) this.options.logger.error({ group: request.groupId, err: messageOf(error) }, 'kafka group: offset commit failed');
      return respond(kafkaErrorCodeOf(error));
    }
  }

  fetchOffsets(request: OffsetFetchRequest): OffsetFetchResponse {
    if (this.closed) return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    let committed;
    try {
      committed = this.options.log.fetchOffsets(request.groupId);
    } catch (error) {
      return { throttleTimeMs: 0, topics: [], errorCode: kafkaErrorCodeOf(error) };
    }
    const byTopic = new Map<string, Map<number, { offset: number; metadata: string | null }>>();
    for (const c of committed) {
      let partitions = byTopic.get(c.topic);
      if (!partitions) byTopic.set(c.topic, (partitions = new Map()));
      partitions.set(c.partition, { offset: c.offset, metadata: c.metadata });
    }
    const wanted =
      request.topics ?? [...byTopic].map(([name, partitions]) => ({ name, partitionIndexes: [...partitions.keys()].sort((a, b) => a - b) }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      topics: wanted.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const found = byTopic.get(t.name)?.get(partitionIndex);
          return {
            partitionIndex,
            committedOffset: found ? found.offset : -1,
            metadata: found ? (found.metadata ?? '') : '',
            errorCode: ErrorCode.NONE,
          };
        }),
      })),
    };
  }

  // ---- admin ----

  describe(groupIds: string[]): DescribeGroupsResponse['groups'] {
    const withOffsets = this.offsetGroups();
    return groupIds.map((groupId) => {
      const group = this.groups.get(groupId);
      if (!group || group.state === 'Dead' || (group.state === 'Empty' && group.members.size === 0)) {
        const known = withOffsets.has(groupId) || (group !== undefined && group.state === 'Empty');
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: known ? 'Empty' : 'Dead',
          protocolType: known ? 'consumer' : '',
          protocolData: '',
          members: [],
        };
      }
      const stable = group.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: group.state,
        protocolType: group.protocolType ?? '',
        protocolData: stable ? (group.protocolName ?? '') : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY) : EMPTY,
          memberAssignment: stable ? m.assignment : EMPTY,
        })),
      };
    });
  }

  list(): Array<{ groupId: string; protocolType: string }> {
    const out = new Map<string, string>();
    for (const groupId of this.offsetGroups()) out.set(groupId, 'consumer');
    for (const group of this.groups.values()) {
      if (group.state === 'Dead') continue;
      if (group.members.size > 0 || !out.has(group.groupId)) out.set(group.groupId, group.protocolType ?? 'consumer');
    }
    return [...out].map(([groupId, protocolType]) => ({ groupId, protocolType }));
  }

  async deleteGroups(groupIds: string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    const results: Array<{ groupId: string; errorCode: number }> = [];
    for (const groupId of groupIds) {
      const group = this.groups.get(groupId);
      if (group && group.state !== 'Dead' && group.members.size > 0) {
        results.push({ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP });
        continue;
      }
      const hasOffsets = this.offsetGroups().has(groupId);
      if (!hasOffsets && (!group || group.state === 'Dead')) {
        results.push({ groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
        continue;
      }
      try {
        if (hasOffsets) await this.options.log.deleteOffsetGroup(groupId);
        if (group) group.state = 'Dead';
        this.groups.delete(groupId);
        results.push({ groupId, errorCode: ErrorCode.NONE });
      } catch (error) {
        results.push({ groupId, errorCode: kafkaErrorCodeOf(error) });
      }
    }
    return results;
  }

  private offsetGroups(): Set<string> {
    try {
      return new Set(this.options.log.listOffsetGroups());
    } catch {
      return new Set();
    }
  }

  /** Stops every timer and answers every waiting join/sync with COORDINATOR_NOT_AVAILABLE. */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) {
      group.rebalanceTimer?.cancel();
      group.rebalanceTimer = null;
      for (const member of group.members.values()) {
        this.stopSessionTimer(member);
        member.pendingJoin?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, member.memberId));
        member.pendingJoin = null;
        member.pendingSync?.(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        member.pendingSync = null;
      }
    }
    this.groups.clear();
  }

  /** For tests and metrics: the state and generation of a group. */
  groupState(groupId: string): { state: GroupState; generationId: number; members: number } | undefined {
    const group = this.groups.get(groupId);
    return group && { state: group.state, generationId: group.generationId, members: group.members.size };
  }
}

function joinError(errorCode: number, memberId: string): JoinGroupResponse {
  return { throttleTimeMs: 0, errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

function syncError(errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, assignment: EMPTY };
}

function sameProtocols(a: Member['protocols'], b: Member['protocols']): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}

/** Protocol names every member supports, in the first member's order of preference. */
function commonProtocols(members: Member[]): string[] {
  const [first, ...rest] = members;
  if (!first) return [];
  return first.protocols.map((p) => p.name).filter((name) => rest.every((m) => m.protocols.some((p) => p.name === name)));
}

/** Kafka's choice: among protocols all members support, the one most members prefer. */
function chooseProtocol(members: Member[]): string {
  const candidates = commonProtocols(members);
  const votes = new Map<string, number>(candidates.map((name) => [name, 0]));
  for (const member of members) {
    const preferred = member.protocols.find((p) => votes.has(p.name));
    if (preferred) votes.set(preferred.name, votes.get(preferred.name)! + 1);
  }
  let best = candidates[0] ?? '';
  for (const name of candidates) if (votes.get(name)! > votes.get(best)!) best = name;
  return best;
}
