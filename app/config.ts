import { z } from 'zod';
import { DEFAULT_INTROSPECTION_POLICY, INTROSPECTION_POLICIES, type IntrospectionPolicy } from '../gateway/plugins/introspection';

/** Default ports of the services; each can be overridden by its env variable. */
export const DEFAULT_PORTS = { gateway: 4000, orders: 4001, returns: 4002, inventory: 4003, refunds: 4004, registry: 4005 } as const;

const port = z.coerce.number().int().min(0).max(65535);

/**
 * What errors and the schema show to clients, in every run mode alike (embedded, production,
 * tests): masked and staff-only unless a setting here says otherwise. Never derived from NODE_ENV,
 * whose absence would otherwise mean "development" and stack traces in production.
 */
const exposureSettings = {
  /**
   * The explicit development switch: `true` shows fault messages (SQL, constraint names), subgraph
   * details and stack traces to clients. Only `true` or `false`: a typo must not switch it on.
   */
  DEV_ERROR_DETAILS: z.enum(['true', 'false']).default('false'),
  /** Who may introspect the graph: `staff` (staff and service roles), `all` (every token) or `off`. */
  INTROSPECTION: z.enum(INTROSPECTION_POLICIES).default(DEFAULT_INTROSPECTION_POLICY),
};

/**
 * Environment of every run mode, validated once at start-up. A bad value stops the process with a
 * message naming the variable, what it must be and what it was.
 */
const schema = z.object({
  /** PostgreSQL connection string; absent means the embedded PGlite database. */
  DATABASE_URL: z.string().url().optional(),
  /** Folder for PGlite's files; absent means in memory (fresh demo data every start). */
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  /** Redis connection string; absent means the in-process event bus. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every Redis key; give each deployment sharing a Redis its own. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/).default('returns-graph'),
  PORT: port.default(DEFAULT_PORTS.gateway),
  ORDERS_PORT: port.default(DEFAULT_PORTS.orders),
  RETURNS_PORT: port.default(DEFAULT_PORTS.returns),
  INVENTORY_PORT: port.default(DEFAULT_PORTS.inventory),
  REFUNDS_PORT: port.default(DEFAULT_PORTS.refunds),
  REGISTRY_PORT: port.default(DEFAULT_PORTS.registry),
  /** Base URL of the schema registry, for the gateway and for subgraphs publishing themselves. */
  REGISTRY_URL: z.string().url().optional(),
  /** Bearer token subgraphs and the CLI use to publish to the registry. */
  REGISTRY_TOKEN: z.string().min(16).optional(),
  /** The secret gateway and subgraphs share to sign and verify the internal principal (≥ 32 bytes). */
  INTERNAL_TOKEN_SECRET: z.string().min(32).optional(),
  /** The public JWK (JSON) that verifies client tokens in production. */
  AUTH_PUBLIC_JWK: z.string().min(2).optional(),
  /** How often the gateway asks the registry for a new supergraph, in milliseconds. */
  SUPERGRAPH_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  /** The URL subgraphs publish as their routing URL (defaults to http://127.0.0.1:<port>). */
  PUBLIC_HOST: z.string().min(1).default('127.0.0.1'),
  ...exposureSettings,
});

export type Config = z.infer<typeof schema>;

/** Parses and validates the environment; throws one error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `${name}: ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`;
    });
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** What clients may see, as every service's options take it. */
export interface Exposure {
  /** Fault messages, subgraph details and stack traces in answers (`DEV_ERROR_DETAILS=true`). */
  errorDetails: boolean;
  introspection: IntrospectionPolicy;
}

/** The exposure settings of a validated configuration. */
export function exposureOf(config: Config): Exposure {
  return { errorDetails: config.DEV_ERROR_DETAILS === 'true', introspection: config.INTROSPECTION };
}

/** Fails start-up with the variable's name when a production setting is missing. */
export function required<T>(value: T | undefined, name: string, why: string): T {
  if (value === undefined) throw new Error(`${name} is required: ${why}`);
  return value;
}
