import type { z } from 'zod';

/** One versioned event schema: its type, version and the zod schema of its `data`. */
export interface EventDefinition<TData = unknown> {
  type: string;
  version: number;
  schema: z.ZodType<TData>;
}

/** The data type of an event definition: `EventData<typeof ReturnInspected>`. */
export type EventData<TDefinition> = TDefinition extends EventDefinition<infer TData> ? TData : never;

/** Thrown when an event's data does not match its schema, or its type@version is unknown. */
export class InvalidEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly version: number,
    detail: string,
  ) {
    super(`Invalid ${eventType} v${version} event: ${detail}`);
    this.name = 'InvalidEventError';
  }
}

const registry = new Map<string, EventDefinition>();
const keyOf = (type: string, version: number) => `${type}@${version}`;

/**
 * Declares an event type and version. Each subgraph declares the events it publishes in its
 * `events.ts`; consumers import those declarations, so both sides validate with the same schema.
 */
export function defineEvent<TData>(type: string, version: number, schema: z.ZodType<TData>): EventDefinition<TData> {
  const key = keyOf(type, version);
  const existing = registry.get(key);
  if (existing && existing.schema !== schema) throw new Error(`Event ${key} is defined twice with different schemas`);
  const definition: EventDefinition<TData> = { type, version, schema };
  registry.set(key, definition as EventDefinition);
  return definition;
}

/** The validated data of an event, or an `InvalidEventError` naming what is wrong. */
export function validateEventData(type: string, version: number, data: unknown): unknown {
  const definition = registry.get(keyOf(type, version));
  if (!definition) throw new InvalidEventError(type, version, 'no schema is defined for this type and version');
  return parseEventData(definition, version, data);
}

/**
 * `data` of an event delivered as `version`, validated and typed by `definition`; an
 * `InvalidEventError` when the version is not the definition's or the data does not match.
 */
export function parseEventData<TData>(definition: EventDefinition<TData>, version: number, data: unknown): TData {
  if (version !== definition.version) throw new InvalidEventError(definition.type, version, `the consumer reads version ${definition.version} only`);
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new InvalidEventError(definition.type, version, detail);
  }
  return parsed.data;
}

/** Every declared type@version, for diagnostics and documentation. */
export function declaredEvents(): string[] {
  return [...registry.keys()].sort();
}
