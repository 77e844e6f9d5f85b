import { canSeeUpdate, type Principal } from '../../platform/auth';
import type { UpdateNotice } from '../../platform/events/fanout';
import { ownerKeys } from './audience';
import type { PlannedSubscription } from './rewrite';

/** What the index needs of a group: its plan, the principal it resolves under, and its owner keys. */
export interface IndexedGroup {
  plan: PlannedSubscription;
  principal: Principal;
  /** `audienceKeys` of its principal: the owners whose updates it may see. */
  audienceKeys: readonly string[];
}

/** The filter key of unfiltered groups (every notice of the source looks here). */
const UNFILTERED = '';

/** Groups of one source, by filter key, then by owner key. */
interface SourceIndex<G> {
  byFilter: Map<string, Map<string, Set<G>>>;
  /** Filter names in use by this source's groups, with how many groups use each as their key. */
  filterNames: Map<string, number>;
}

/**
 * The hub's groups indexed by what a notice must match: source, then one argument filter (or
 * none), then owner (`any`, customer, partner, store). A notice visits only the groups filed under
 * its source, under the values its data holds for the filter names in use (or unfiltered), and under
 * its owners — O(matching groups), however many others there are. The full match (event type,
 * every filter, `canSeeUpdate`) is still checked for each group visited: the index narrows, never
 * decides.
 */
export class GroupIndex<G extends IndexedGroup> {
  private readonly sources = new Map<string, SourceIndex<G>>();

  add(group: G): void {
    const { source } = group.plan.stream;
    let index = this.sources.get(source);
    if (!index) this.sources.set(source, (index = { byFilter: new Map(), filterNames: new Map() }));
    const { name, key } = filterKeyOf(group.plan);
    if (name !== undefined) index.filterNames.set(name, (index.filterNames.get(name) ?? 0) + 1);
    let byOwner = index.byFilter.get(key);
    if (!byOwner) index.byFilter.set(key, (byOwner = new Map()));
    for (const owner of group.audienceKeys) {
      let groups = byOwner.get(owner);
      if (!groups) byOwner.set(owner, (groups = new Set()));
      groups.add(group);
    }
  }

  remove(group: G): void {
    const { source } = group.plan.stream;
    const index = this.sources.get(source);
    if (!index) return;
    const { name, key } = filterKeyOf(group.plan);
    const byOwner = index.byFilter.get(key);
    for (const owner of group.audienceKeys) {
      const groups = byOwner?.get(owner);
      groups?.delete(group);
      if (groups?.size === 0) byOwner?.delete(owner);
    }
    if (byOwner?.size === 0) index.byFilter.delete(key);
    if (name !== undefined) {
      const left = (index.filterNames.get(name) ?? 1) - 1;
      if (left > 0) index.filterNames.set(name, left);
      else index.filterNames.delete(name);
    }
    if (index.byFilter.size === 0) this.sources.delete(source);
  }

  /** The groups `notice` is for, each once. */
  matching(notice: UpdateNotice): G[] {
    const index = this.sources.get(notice.source);
    if (!index) return [];
    const filterKeys = [UNFILTERED];
    for (const name of index.filterNames.keys()) {
      const value = notice.data[name];
      if (typeof value === 'string') filterKeys.push(filterKey(name, value));
    }
    const owners = ownerKeys(notice.data);
    const found = new Set<G>();
    for (const key of filterKeys) {
      const byOwner = index.byFilter.get(key);
      if (!byOwner) continue;
      for (const owner of owners) for (const group of byOwner.get(owner) ?? []) if (!found.has(group) && matches(group, notice)) found.add(group);
    }
    return [...found];
  }
}

/** The complete match, as the hub applied it to every group before the index existed. */
function matches(group: IndexedGroup, notice: UpdateNotice): boolean {
  const { stream, filters } = group.plan;
  if (!stream.eventTypes.includes(notice.type)) return false;
  if (!Object.entries(filters).every(([name, value]) => notice.data[name] === value)) return false;
  return canSeeUpdate(group.principal, notice.data);
}

/** A group is filed under its first filter by name (any one would do: a notice must match all). */
function filterKeyOf(plan: PlannedSubscription): { name?: string; key: string } {
  const name = Object.keys(plan.filters).sort()[0];
  if (name === undefined) return { key: UNFILTERED };
  return { name, key: filterKey(name, plan.filters[name] as string) };
}

const filterKey = (name: string, value: string) => JSON.stringify([name, value]);
