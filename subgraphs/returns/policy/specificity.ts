/**
 * "The most specific rule wins", in one place for every rule family. A rule has two keys, a
 * primary and a secondary, each either a value or the wildcard; the order of precedence is
 * value+value > value+* > *+value > *+* (e.g. channel+category > channel+* > *+category > *+*).
 * Documents are validated so no two rules share both keys, hence at most one rule per rank.
 */
import { WILDCARD } from './vocabulary';

/** How well one key of a rule matches: not at all, by wildcard, or by naming the value. */
export type KeyMatch = 'none' | 'wildcard' | 'exact';

/** Matches a single-valued rule key (`"POS"` or `"*"`) against a value. */
export function matchValue(ruleValue: string, value: string): KeyMatch {
  if (ruleValue === WILDCARD) return 'wildcard';
  return ruleValue === value ? 'exact' : 'none';
}

/** Matches a list-valued rule key (`["UNWANTED", "STYLE"]` or `"*"`) against a value. */
export function matchList(ruleValues: readonly string[] | typeof WILDCARD, value: string): KeyMatch {
  if (ruleValues === WILDCARD) return 'wildcard';
  return ruleValues.includes(value) ? 'exact' : 'none';
}

/**
 * The matching rule with the highest rank, or `undefined` when none matches. `match` returns the
 * rule's [primary, secondary] key matches.
 */
export function mostSpecific<R>(rules: readonly R[], match: (rule: R) => readonly [KeyMatch, KeyMatch]): R | undefined {
  let best: R | undefined;
  let bestRank = -1;
  for (const rule of rules) {
    const [primary, secondary] = match(rule);
    if (primary === 'none' || secondary === 'none') continue;
    const rank = (primary === 'exact' ? 2 : 0) + (secondary === 'exact' ? 1 : 0);
    if (rank > bestRank) {
      best = rule;
      bestRank = rank;
    }
  }
  return best;
}
