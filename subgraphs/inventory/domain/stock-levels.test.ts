import { stockLevel } from './stock-levels';

describe('stockLevel', () => {
  it('reports zero in every state for a SKU with no balances', () => {
    const level = stockLevel('SKU-1', 'loc_a', 0, []);
    expect(level.availableToSell).toBe(0);
    expect(level.onHand).toBe(0);
    expect(level.quantities).toHaveLength(7);
    expect(level.quantities.every((q) => q.quantity === 0)).toBe(true);
  });

  it('sells only sellable units not reserved and above safety stock', () => {
    const level = stockLevel('SKU-1', 'loc_a', 2, [
      { sku: 'SKU-1', location_id: 'loc_a', state: 'SELLABLE', quantity: 10 },
      { sku: 'SKU-1', location_id: 'loc_a', state: 'RESERVED', quantity: 3 },
      { sku: 'SKU-1', location_id: 'loc_a', state: 'PENDING_INSPECTION', quantity: 4 },
      { sku: 'SKU-1', location_id: 'loc_a', state: 'INCOMING', quantity: 6 },
    ]);
    expect(level.availableToSell).toBe(5);
    // Pending inspection is on hand but never available; incoming is neither.
    expect(level.onHand).toBe(14);
  });

  it('never reports negative availability when safety stock exceeds sellable units', () => {
    const level = stockLevel('SKU-1', 'loc_a', 5, [{ sku: 'SKU-1', location_id: 'loc_a', state: 'SELLABLE', quantity: 2 }]);
    expect(level.availableToSell).toBe(0);
  });
});
