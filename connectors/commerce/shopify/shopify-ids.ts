/**
 * Shopify's global ids (`gid://shopify/Order/123`) and the graph's ids derived from them. The
 * graph keeps the numeric part: it is what the Shopify admin shows and what REST-shaped webhook
 * bodies carry (`id`), so an order read through GraphQL and one named by a webhook meet.
 */

/** The graph's location id prefix for Shopify locations unless `locationPrefix` says otherwise. */
export const DEFAULT_LOCATION_PREFIX = 'loc_shp_';

/** The graph's customer id prefix: Shopify customer 42 is `cus_shp_42`. */
export const CUSTOMER_PREFIX = 'cus_shp_';

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/** The numeric id of a gid of `type` (`gid://shopify/Order/5` → `5`); null for anything else. */
export function gidNumber(gid: string | null | undefined, type?: string): string | null {
  if (typeof gid !== 'string') return null;
  const match = GID.exec(gid);
  if (!match || (type !== undefined && match[1] !== type)) return null;
  return match[2] ?? null;
}

/** `gid://shopify/<type>/<n>`; accepts a gid of that type or its numeric id. */
export function toGid(type: string, id: string | number): string {
  const text = String(id);
  if (gidNumber(text, type) !== null) return text;
  if (!/^\d+$/.test(text)) throw new RangeError(`"${text}" is neither a Shopify ${type} id nor its gid`);
  return `gid://shopify/${type}/${text}`;
}

/** The graph's id for a Shopify location: `loc_shp_<n>` (with the configured prefix). */
export function locationIdOf(locationGid: string, prefix: string = DEFAULT_LOCATION_PREFIX): string {
  const number = gidNumber(locationGid, 'Location');
  if (number === null) throw new RangeError(`"${locationGid}" is not a Shopify location id`);
  return `${prefix}${number}`;
}

/** The Shopify location a graph location id names (`loc_shp_7` → `gid://shopify/Location/7`); null when it is not one of ours. */
export function locationGidOf(locationId: string, prefix: string = DEFAULT_LOCATION_PREFIX): string | null {
  if (!locationId.startsWith(prefix)) return null;
  const number = locationId.slice(prefix.length);
  return /^\d+$/.test(number) ? `gid://shopify/Location/${number}` : null;
}
