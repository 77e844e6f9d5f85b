import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Principal } from '../../platform/auth';
import type { UpdateFanout, UpdateNotice } from '../../platform/events/fanout';
import { cursorPosition, updateCursor } from '../../platform/events/update-log';
import { componentLogger } from '../../platform/logger';
import { recordSubscriptionDelivery, recordSubscriptionResolution, watchSubscriptions } from '../../platform/metrics';
import { audienceClass, audienceKeys } from './audience';
import { GroupIndex } from './group-index';
import { CURSOR_ALIAS, type PlannedSubscription } from './rewrite';
import { Slots } from './slots';

const log = componentLogger('subscriptions');

/** Runs a query through the gateway as a principal. */
export type ExecuteAs = (query: string, variables: Record<string, unknown>, principal: Principal, origin?: UpdateOrigin) => Promise<ExecutionResult>;

/** The request that caused the event an update is resolved for (absent for catch-up pages). */
export interface UpdateOrigin {
  correlationId?: string;
  traceparent?: string;
}

/**
 * Updates a subscriber may have waiting before it is considered too slow and its subscription
 * ends (it resumes with its last cursor, losing nothing): bounds memory per subscriber.
 */
export const MAX_QUEUED_UPDATES = 1_000;

/**
 * Live resolutions (one group, one update) running at once across all groups. Each is a federated
 * query of one to a few subgraph fetches; 64 keeps the subgraphs' connection pools and two cores
 * busy without thousands of requests queueing inside them, while one slow resolution holds only
 * its own slot, not the other groups.
 */
export const MAX_CONCURRENT_RESOLUTIONS = 64;

/** Options of `SubscriptionHub`. */
export interface SubscriptionHubOptions {
  /** Live resolutions at once; default `MAX_CONCURRENT_RESOLUTIONS`. */
  concurrentResolutions?: number;
}

/** A catch-up page as the rewritten query returns it (`rewrite.ts`). */
interface CatchUpPage {
  updates: Record<string, unknown>[];
  scannedCursor: string | null;
  endOfLog: boolean;
}

/** One subscriber: a queue of results consumed by graphql-ws through an async iterator. */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting?: (result: IteratorResult<ExecutionResult>) => void;
  private done = false;
  private catchingUp: boolean;
  private readonly buffered: { position: number; result: ExecutionResult }[] = [];
  /**
   * Set when live updates arriving during catch-up overflowed the buffer and were dropped. They
   * are all in the log (a notice is sent only after its position is committed), so catch-up
   * recovers them by reading once more to the end after the overflow.
   */
  overflowed = false;
  /** Highest log position delivered: later duplicates (a republish) are dropped. */
  lastPosition = 0;

  constructor(
    readonly group: Group,
    private readonly onEnd: (member: Member) => void,
    catchUp: boolean,
  ) {
    this.catchingUp = catchUp;
  }

  /** True once the subscription ended (client gone, too slow, or an error). */
  get ended(): boolean {
    return this.done;
  }

  offer(position: number, result: ExecutionResult): void {
    if (this.done) return;
    if (this.catchingUp) {
      if (this.buffered.length >= MAX_QUEUED_UPDATES) {
        this.buffered.length = 0;
        this.overflowed = true;
      }
      this.buffered.push({ position, result });
      return;
    }
    this.push(position, result);
  }

  /** Catch-up finished: deliver what arrived meanwhile, skipping what catch-up already covered. */
  caughtUp(): void {
    this.catchingUp = false;
    for (const { position, result } of this.buffered.splice(0)) this.push(position, result);
  }

  push(position: number, result: ExecutionResult): void {
    if (this.done || position <= this.lastPosition) return;
    this.lastPosition = position;
    if (this.handToWaitingReader(result)) return;
    if (this.queue.length >= MAX_QUEUED_UPDATES) {
      this.queue.push({
        errors: [new GraphQLError('Subscriber too slow: resume with the last cursor you received.', { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } })],
      });
      void this.return();
      return;
    }
    this.queue.push(result);
  }

  /** Ends the subscription with `errors` (after whatever is queued). */
  async fail(errors: ExecutionResult['errors']): Promise<void> {
    if (this.done) return;
    if (!this.handToWaitingReader({ errors })) this.queue.push({ errors });
    await this.return();
  }

  /** Gives `result` to a reader blocked in `next()`; false when none is waiting. */
  private handToWaitingReader(result: ExecutionResult): boolean {
    if (!this.waiting) return false;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve({ value: result, done: false });
    return true;
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

/**
 * Subscribers sharing one query, variables, filters and audience class (`audience.ts`): each
 * update is resolved once for all of them, under the principal of the first to subscribe (the
 * class's representative — any member's would give the same answer).
 */
interface Group {
  key: string;
  plan: PlannedSubscription;
  principal: Principal;
  /** The owners whose updates the class may see: where the index files the group. */
  audienceKeys: readonly string[];
  members: Set<Member>;
  /** Serialises resolutions so members receive updates in publish order. */
  chain: Promise<void>;
}

/**
 * Turns update notices into subscription results. Each notice visits only the groups indexed
 * under its source, filter values and owners (`group-index.ts`), is resolved once per matching
 * group through the gateway under the group's representative principal — different groups
 * concurrently up to `MAX_CONCURRENT_RESOLUTIONS`, each group's updates in log order — and is
 * offered to every member's own bounded queue without waiting for any of them.
 */
export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();
  private readonly index = new GroupIndex<Group>();
  private readonly slots: Slots;
  private stopListening?: () => void;
  private stopWatching?: () => void;

  constructor(
    private readonly fanout: UpdateFanout,
    private readonly executeAs: ExecuteAs,
    options: SubscriptionHubOptions = {},
  ) {
    this.slots = new Slots(options.concurrentResolutions ?? MAX_CONCURRENT_RESOLUTIONS);
  }

  async start(): Promise<void> {
    this.stopListening = await this.fanout.listen((notice) => this.onNotice(notice));
    this.stopWatching = watchSubscriptions(() => this.size());
  }

  async stop(): Promise<void> {
    this.stopListening?.();
    this.stopWatching?.();
    for (const group of [...this.groups.values()]) for (const member of [...group.members]) await member.return();
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
    const key = JSON.stringify([plan.live, plan.variables, plan.filters, audienceClass(principal)]);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, plan, principal, audienceKeys: audienceKeys(principal), members: new Set(), chain: Promise.resolve() };
      this.groups.set(key, group);
      this.index.add(group);
    }
    const owner = group;
    const member = new Member(
      owner,
      (ended) => {
        owner.members.delete(ended);
        if (owner.members.size === 0 && this.groups.get(owner.key) === owner) {
          this.groups.delete(owner.key);
          this.index.remove(owner);
        }
      },
      plan.after !== null,
    );
    owner.members.add(member);
    if (plan.after !== null) void this.catchUp(member, plan, principal);
    return member;
  }

  private onNotice(notice: UpdateNotice): void {
    for (const group of this.index.matching(notice)) {
      // The group's chain keeps its updates in log order; the slots bound how many groups resolve at once.
      group.chain = group.chain.then(() => (group.members.size === 0 ? undefined : this.slots.run(() => this.resolve(group, notice))));
    }
  }

  /** Resolves one update for a group and offers it to every member; never waits for a member. */
  private async resolve(group: Group, notice: UpdateNotice): Promise<void> {
    if (group.members.size === 0) return;
    recordSubscriptionResolution(notice.source);
    try {
      const result = await this.executeAs(
        group.plan.live,
        { ...group.plan.variables, __cursor: updateCursor(notice.source, notice.position) },
        group.principal,
        // The update belongs to the flow that caused the event: its subgraph calls, logs and spans say so.
        { correlationId: notice.correlationId, traceparent: notice.traceparent },
      );
      const payload = result.data?.[group.plan.responseKey];
      // Null without errors: the update is not visible to this subscriber after all.
      if (payload === null && !result.errors?.length) return;
      for (const member of group.members) member.offer(notice.position, result);
      recordSubscriptionDelivery(notice.source, notice.occurredAt, group.members.size);
    } catch (error) {
      log.warn({ err: error, source: notice.source, position: notice.position }, 'could not resolve a subscription update');
    }
  }

  /**
   * Delivers what a resuming subscriber missed, from the event log, before anything live. Pages
   * follow the SCANNED cursor, not the last visible update, and continue until a page reaches the
   * end of the log with no live update dropped meanwhile: a subscriber who sees 1 event in 1,000
   * still gets all of its own. Each page is bounded by the subgraph, memory by the subscriber's
   * queue (a client that cannot keep up is ended and resumes from its last cursor). A failed page
   * ends the subscription with an error naming that remedy, never silently with a gap.
   */
  private async catchUp(member: Member, plan: PlannedSubscription, principal: Principal): Promise<void> {
    let after = plan.after;
    try {
      for (;;) {
        member.overflowed = false;
        const page = await this.catchUpPage(member, plan, principal, after);
        if (!page) return;
        for (const item of page.updates) {
          const { [CURSOR_ALIAS]: cursor, ...rest } = item;
          member.push(cursorPosition(plan.stream.source, String(cursor)), { data: { [plan.responseKey]: rest } });
        }
        after = page.scannedCursor ?? after;
        if (page.endOfLog && !member.overflowed) break;
      }
    } catch (error) {
      log.warn({ err: error }, 'subscription catch-up failed');
      await member.fail([
        new GraphQLError('Catching up from the event log failed: resume with the last cursor you received.', { extensions: { code: 'CATCH_UP_FAILED' } }),
      ]);
      return;
    }
    member.caughtUp();
  }

  /**
   * One page of missed updates after `after`. Undefined when there is nothing more to do: the
   * subscriber left meanwhile, or the page came back with errors (the subscriber is failed with them).
   */
  private async catchUpPage(member: Member, plan: PlannedSubscription, principal: Principal, after: string | null): Promise<CatchUpPage | undefined> {
    const result = await this.executeAs(plan.catchUp, { ...plan.variables, __after: after }, principal);
    if (member.ended) return undefined;
    if (result.errors?.length) {
      await member.fail(result.errors);
      return undefined;
    }
    // No page at all (null without errors) reads as the end of the log.
    const page = result.data?.[plan.responseKey] as Partial<CatchUpPage> | null | undefined;
    return { updates: page?.updates ?? [], scannedCursor: page?.scannedCursor ?? null, endOfLog: page?.endOfLog ?? true };
  }
}
