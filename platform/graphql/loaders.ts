import DataLoader from 'dataloader';

/**
 * A per-request loader of rows by their own key: one batched query for every key asked in the same
 * tick, results back in key order, `null` for keys not found (or not visible to the caller).
 */
export function rowLoader<K extends string, R>(fetch: (keys: readonly K[]) => Promise<R[]>, keyOf: (row: R) => K): DataLoader<K, R | null> {
  return new DataLoader<K, R | null>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/**
 * A per-request loader of the rows belonging to each parent key (lines of an order, returns of an
 * order): one batched query, each key gets its rows in the order the query returned them.
 */
export function groupLoader<K extends string, R>(fetch: (keys: readonly K[]) => Promise<R[]>, parentOf: (row: R) => K): DataLoader<K, R[]> {
  return new DataLoader<K, R[]>(async (keys) => {
    const rows = await fetch(keys);
    const groups = new Map<K, R[]>();
    for (const row of rows) {
      const key = parentOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}
