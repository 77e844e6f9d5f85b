/**
 * Splits `total` minor units into `parts` integer shares that sum exactly to `total`, by the
 * largest-remainder method over `weights` (equal weights when omitted): each share is the floor of
 * its exact quota, and the units left over go one each to the largest remainders (ties to the
 * earlier part). No float ever touches money: quotas are compared as integer fractions.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
  if (weights.length === 0) {
    if (total === 0) return [];
    throw new RangeError('cannot split a non-zero total into no parts');
  }
  if (weights.some((weight) => !Number.isSafeInteger(weight) || weight < 0)) throw new RangeError('weights must be non-negative integers');
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    if (total === 0) return weights.map(() => 0);
    throw new RangeError('cannot split a non-zero total over zero weights');
  }
  const bigTotal = BigInt(total);
  const bigSum = BigInt(sum);
  const shares = weights.map((weight) => (bigTotal * BigInt(weight)) / bigSum);
  const remainders = weights.map((weight, index) => ({ index, remainder: (bigTotal * BigInt(weight)) % bigSum }));
  let left = bigTotal - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index] = (shares[index] as bigint) + 1n;
    left -= 1n;
  }
  return shares.map(Number);
}

/**
 * The share of a line-level amount (its discount or tax) belonging to units `from` (0-based) up to
 * `from + count` of a line of `quantity` units. Per-unit shares come from `largestRemainder`, so the
 * units of every return of the line — however the line is returned over several returns — add up
 * exactly to the line's amount.
 */
export function unitsShare(amount: number, quantity: number, from: number, count: number): number {
  if (from < 0 || count < 0 || from + count > quantity) throw new RangeError(`units ${from}..${from + count} are outside a line of ${quantity}`);
  const perUnit = largestRemainder(amount, Array.from({ length: quantity }, () => 1));
  return perUnit.slice(from, from + count).reduce((a, b) => a + b, 0);
}
