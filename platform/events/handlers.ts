import type { WriteTx } from '../write-path/write-tx';
import { parseEventData, type EventDefinition } from './catalog';
import type { EventEnvelope } from './envelope';

/** The transactional step of one delivery, bound to its validated data (and its effect's answer). */
export type HandlingStep = (tx: WriteTx) => Promise<void>;

/** One delivery a handler accepted: its data matched the handler's schema. */
export interface AcceptedEvent {
  /** True when the handler calls another system before the transaction. */
  readonly hasEffect: boolean;
  /**
   * Calls the other system when `callEffect` (the event is not in the inbox yet), then returns
   * the step to run in the inbox transaction.
   */
  prepare(callEffect: boolean): Promise<HandlingStep>;
}

/** What a consumer does with one event type; built by `on()`, run by `ConsumerRunner`. */
export interface EventHandler {
  /** The event type and the one version this handler reads. */
  readonly definition: Pick<EventDefinition, 'type' | 'version'>;
  /** Validates the event's data against the definition; throws `InvalidEventError` when it does not match. */
  accept(event: EventEnvelope): AcceptedEvent;
}

/**
 * Applies one event of type `TData` inside the consumer's transaction (together with its inbox row).
 * `tx` is bound to the consumer's schema: what the handler emits goes to the consuming subgraph's outbox.
 */
export type Handle<TData> = (tx: WriteTx, data: TData, event: EventEnvelope<TData>) => Promise<void>;

/** A handler that calls another system (the ERP, a payment provider) before its transaction. */
export interface HandleWithEffect<TData, TAnswer> {
  /**
   * The call to the other system, made BEFORE the transaction and only for an event not yet in the
   * inbox. It must be idempotent by an id the event carries: a crash after it and before the inbox
   * commits brings the event back, and the other system must ignore the repeat. Kept out of the
   * transaction so the transaction never waits on a remote system (and so the embedded database's
   * single session is never held while another statement is needed).
   */
  effect(data: TData, event: EventEnvelope<TData>): Promise<TAnswer>;
  /** Records what the other system answered, in the inbox transaction. */
  handle(tx: WriteTx, data: TData, event: EventEnvelope<TData>, answer: TAnswer): Promise<void>;
}

/**
 * A consumer's handler of one event type: `on(ReturnInspected, async (tx, data, event) => …)`.
 * The data reaches the handler validated by the event's own schema and typed by it, so no
 * consumer casts `event.data`; data that does not match throws `InvalidEventError` before any
 * handler runs, and the runner dead-letters the event at once.
 */
export function on<TData>(definition: EventDefinition<TData>, handle: Handle<TData>): EventHandler;
export function on<TData, TAnswer>(definition: EventDefinition<TData>, steps: HandleWithEffect<TData, TAnswer>): EventHandler;
export function on<TData, TAnswer>(definition: EventDefinition<TData>, handler: Handle<TData> | HandleWithEffect<TData, TAnswer>): EventHandler {
  return {
    definition: { type: definition.type, version: definition.version },
    accept(event) {
      const data = parseEventData(definition, event.version, event.data);
      const typed: EventEnvelope<TData> = { ...event, data };
      if (typeof handler === 'function') return { hasEffect: false, prepare: async () => (tx) => handler(tx, data, typed) };
      return {
        hasEffect: true,
        async prepare(callEffect) {
          if (!callEffect) return skippedEffect(event);
          const answer = await handler.effect(data, typed);
          return (tx) => handler.handle(tx, data, typed, answer);
        },
      };
    },
  };
}

/**
 * The step of an event whose effect was skipped because the inbox already held it: the inbox
 * insert then finds the row and the step never runs. Should the row have gone in between, the
 * step fails, and the retry calls the (idempotent) effect again instead of recording no answer.
 */
function skippedEffect(event: EventEnvelope): HandlingStep {
  return async () => {
    throw new Error(`event ${event.id} (${event.type}) reached its handler without its effect having run`);
  };
}
