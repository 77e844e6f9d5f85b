import { z } from 'zod';
import { subgraphMetadata } from '../platform/events/streams';
import { Messages } from './messages';

/** Subgraph names: they become enum values of the supergraph, so they stay short and plain. */
export const SUBGRAPH_NAME = /^[a-z][a-z0-9-]{1,40}$/;

/** Longest routing url accepted; the migration enforces the same limit. */
const MAX_URL_LENGTH = 2048;
/** Longest `publishedBy` accepted; the migration enforces the same limit. */
const MAX_PUBLISHED_BY_LENGTH = 200;

/** The JSON body of `POST /subgraphs/<name>` and `POST /check/<name>`. */
export const PublishBody = z.object({
  url: z
    .string()
    .max(MAX_URL_LENGTH)
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), { message: 'must be an http(s) URL' }),
  sdl: z.string().trim().min(1, { message: 'must not be empty' }),
  force: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  publishedBy: z.string().trim().min(1).max(MAX_PUBLISHED_BY_LENGTH).optional(),
  /** What the subgraph publishes beside its SDL; omitted keeps the latest version's. */
  metadata: subgraphMetadata.optional(),
});

/** A parsed publish body. */
export type PublishBody = z.infer<typeof PublishBody>;

/** Raised for input the registry refuses before looking at the schema; HTTP maps it to 400. */
export class RegistryInputError extends Error {
  override readonly name = 'RegistryInputError';
}

/** Throws `RegistryInputError` unless `name` is a valid subgraph name. */
export function assertSubgraphName(name: string): void {
  if (!SUBGRAPH_NAME.test(name)) throw new RegistryInputError(Messages.invalidName(name));
}

/** Parses a publish body, throwing `RegistryInputError` that lists every problem by field. */
export function parsePublishBody(value: unknown): PublishBody {
  const result = PublishBody.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`).join('; ');
  throw new RegistryInputError(Messages.badBody(details));
}
