import { GraphQLError, type ExecutionResult } from 'graphql';
import { canSeeUpdate, type Principal } from '../../platform/auth';
import type { UpdateFanout, UpdateNotice } from '../../platform/events/fanout';
import { updateCursor } from '../../platform/events/update-log';
import { componentLogger } from '../../platform/logger';
import { CURSOR_ALIAS, type PlannedSubscription } from './rewrite';

const log = componentLogger('subscriptions');

/** Runs a query through the gateway as a principal. */
export type ExecuteAs = (query: string, variables: Record<string, unknown>, principal: Principal) => Promise<ExecutionResult>;

/**
 * Updates a subscriber may have waiting before it is considered too slow and its subscription
 * ends (it resumes with its last cursor, losing nothing): bounds memory per subscriber.
 */
export const MAX_QUEUED_UPDATES = 1_000;
/** Catch-up pages fetched at most when resuming (500 updates each). */
const MAX_CATCH_UP_PAGES = 20;
const CATCH_UP_PAGE = 500;

/** One subscriber: a queue of results consumed by graphql-ws through an async iterator. */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting?: (result: IteratorResult<ExecutionResult>) => void;
  private done = false;
  private catchingUp: boolean;
  private readonly buffered: { seq: number; result: ExecutionResult }[] = [];
  /** Highest outbox position delivered: later duplicates (a republish) are dropped. */
  lastSeq = 0;

  constructor(
    readonly group: Group,
    private readonly onEnd: (member: Member) => void,
    catchUp: boolean,
  ) {
    this.catchingUp = catchUp;
  }

  offer(seq: number, result: ExecutionResult): void {
    if (this.done) return;
    if (this.catchingUp) {
      this.buffered.push({ seq, result });
      return;
    }
    this.push(seq, result);
  }

  /** Catch-up finished: deliver what arrived meanwhile, skipping what catch-up already covered. */
  caughtUp(): void {
    this.catchingUp = false;
    for (const { seq, result } of this.buffered.splice(0)) this.push(seq, result);
  }

  push(seq: number, result: ExecutionResult): void {
    if (this.done || seq <= this.lastSeq) return;
    this.lastSeq = seq;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: result, done: false });
      return;
    }
    if (this.queue.length >= MAX_QUEUED_UPDATES) {
      this.queue.push({ errors: [new GraphQLError('Subscriber too slow: resume with the last cursor you received.', { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } })] });
      void this.return();
      return;
    }
    this.queue.push(result);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.done) {
      this.done = true;
      this.onEnd(this);
      this.waiting?.({ value: undefined, done: true });
      this.waiting = undefined;
    }
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Subscribers sharing one query, variables and principal: each update is resolved once for all. */
interface Group {
  key: string;
  plan: PlannedSubscription;
  principal: Principal;
  members: Set<Member>;
  /** Serialises resolutions so members receive updates in publish order. */
  chain: Promise<void>;
}

/**
 * Turns update notices into subscription results. Each notice is matched against every group
 * (stream, event type, argument filters, and the subscriber's tenancy from its token), resolved
 * once per group through the gateway under that group's principal, and delivered in order.
 */
export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();
  private stopListening?: () => void;

  constructor(
    private readonly fanout: UpdateFanout,
    private readonly executeAs: ExecuteAs,
  ) {}

  async start(): Promise<void> {
    this.stopListening = await this.fanout.listen((notice) => this.onNotice(notice));
  }

  async stop(): Promise<void> {
    this.stopListening?.();
    for (const group of this.groups.values()) for (const member of group.members) await member.return();
    this.groups.clear();
  }

  /** Live subscriber count (for tests and the bench). */
  size(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.members.size;
    return count;
  }

  /** Subscribes; the iterator ends when the client completes, disconnects or is too slow. */
  subscribe(plan: PlannedSubscription, principal: Principal): AsyncIterableIterator<ExecutionResult> {
    const key = JSON.stringify([plan.live, plan.variables, plan.filters, principal.subject, principal.roles, principal.storeIds, principal.customerId, principal.partnerId]);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, plan, principal, members: new Set(), chain: Promise.resolve() };
      this.groups.set(key, group);
    }
    const owner = group;
    const member = new Member(owner, (ended) => {
      owner.members.delete(ended);
      if (owner.members.size === 0) this.groups.delete(owner.key);
    }, plan.after !== null);
    owner.members.add(member);
    if (plan.after !== null) void this.catchUp(member, plan, principal);
    return member;
  }

  private onNotice(notice: UpdateNotice): void {
    for (const group of this.groups.values()) {
      const { stream, filters } = group.plan;
      if (stream.source !== notice.source || !stream.eventTypes.includes(notice.type)) continue;
      if (!Object.entries(filters).every(([name, value]) => notice.data[name] === value)) continue;
      if (!canSeeUpdate(group.principal, notice.data)) continue;
      group.chain = group.chain.then(() => this.resolve(group, notice));
    }
  }

  private async resolve(group: Group, notice: UpdateNotice): Promise<void> {
    if (group.members.size === 0) return;
    try {
      const result = await this.executeAs(group.plan.live, { ...group.plan.variables, __cursor: updateCursor(notice.source, notice.seq) }, group.principal);
      const payload = result.data?.[group.plan.responseKey];
      // Null without errors: the update is not visible to this subscriber after all.
      if (payload === null && !result.errors?.length) return;
      for (const member of group.members) member.offer(notice.seq, result);
    } catch (error) {
      log.warn({ err: error, source: notice.source, seq: notice.seq }, 'could not resolve a subscription update');
    }
  }

  /** Delivers what a resuming subscriber missed, from the event log, before anything live. */
  private async catchUp(member: Member, plan: PlannedSubscription, principal: Principal): Promise<void> {
    let after = plan.after;
    try {
      for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
        const result = await this.executeAs(plan.catchUp, { ...plan.variables, __after: after }, principal);
        if (result.errors?.length) {
          member.push(Number.MAX_SAFE_INTEGER, { errors: result.errors });
          await member.return();
          return;
        }
        const items = (result.data?.[plan.responseKey] ?? []) as Record<string, unknown>[];
        for (const item of items) {
          const { [CURSOR_ALIAS]: cursor, ...rest } = item;
          const seq = Number(Buffer.from(String(cursor), 'base64url').toString('utf8').split(':')[1]);
          member.push(seq, { data: { [plan.responseKey]: rest } });
          after = String(cursor);
        }
        if (items.length < CATCH_UP_PAGE) break;
      }
    } catch (error) {
      log.warn({ err: error }, 'subscription catch-up failed');
    }
    member.caughtUp();
  }
}
