import { GraphQLError } from 'graphql';

/**
 * Subscriptions one graphql-ws connection may hold at once. A client multiplexes its screens over
 * one connection; a POS till or a service-desk console watches a handful of streams, a partner's
 * integration one or two with filters. 100 is ample for them and bounds the memory one socket pins
 * (each subscription may queue up to `MAX_QUEUED_UPDATES` results).
 */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;

/**
 * Subscriptions one principal (token subject) may hold across all its connections on this gateway
 * instance. Each distinct subscription is resolved through the subgraphs once per matching event,
 * so this bounds the work one identity can make every event cost; two full connections cover an
 * app reconnecting before its old socket is reaped, or two tabs.
 */
export const MAX_SUBSCRIPTIONS_PER_PRINCIPAL = 200;

/** `extensions.code` of the graphql-ws error refusing a subscription over a cap. */
export const TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS';

/** Caps of `SubscriptionQuota`; each defaults to the constant of the same name. */
export interface SubscriptionCaps {
  perConnection?: number;
  perPrincipal?: number;
}

/**
 * Counts live subscriptions per connection and per principal, and refuses one over either cap.
 * A place is taken when a subscription is accepted (before it is served, so concurrent subscribe
 * messages cannot all slip past the check) and given back when it completes, fails or its
 * connection closes. Counts are per gateway instance: a principal spread over N instances may
 * hold N times the cap, which the load balancer's connection limits bound.
 */
export class SubscriptionQuota {
  private readonly perConnection: number;
  private readonly perPrincipal: number;
  private readonly byPrincipal = new Map<string, number>();
  private readonly byConnection = new WeakMap<object, { principal: string; ids: Set<string> }>();

  constructor(caps: SubscriptionCaps = {}) {
    this.perConnection = caps.perConnection ?? MAX_SUBSCRIPTIONS_PER_CONNECTION;
    this.perPrincipal = caps.perPrincipal ?? MAX_SUBSCRIPTIONS_PER_PRINCIPAL;
  }

  /** Takes a place for subscription `id` on `connection`, or returns the error refusing it. */
  acquire(connection: object, principal: string, id: string): GraphQLError | undefined {
    let held = this.byConnection.get(connection);
    if (!held) {
      held = { principal, ids: new Set() };
      this.byConnection.set(connection, held);
    }
    if (held.ids.size >= this.perConnection)
      return refusal(`This connection already holds ${this.perConnection} subscriptions, the limit; complete one before starting another.`);
    const total = this.byPrincipal.get(principal) ?? 0;
    if (total >= this.perPrincipal)
      return refusal(`You already hold ${this.perPrincipal} subscriptions, the limit across your connections; complete one before starting another.`);
    held.ids.add(id);
    this.byPrincipal.set(principal, total + 1);
    return undefined;
  }

  /** Gives back the place of subscription `id` on `connection` (no-op when it holds none). */
  release(connection: object, id: string): void {
    const held = this.byConnection.get(connection);
    if (!held?.ids.delete(id)) return;
    const total = (this.byPrincipal.get(held.principal) ?? 1) - 1;
    if (total > 0) this.byPrincipal.set(held.principal, total);
    else this.byPrincipal.delete(held.principal);
  }

  /** Gives back every place of a closing connection. */
  releaseAll(connection: object): void {
    const held = this.byConnection.get(connection);
    if (!held) return;
    for (const id of [...held.ids]) this.release(connection, id);
    this.byConnection.delete(connection);
  }
}

function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: TOO_MANY_SUBSCRIPTIONS } });
}
