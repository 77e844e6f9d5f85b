import { STOCK_STATES, type StockState } from '../../../contracts/vocabulary';

/**
 * States whose units are physically at the location. RESERVED is left out because reserved units
 * are sellable units promised to an order (counted in SELLABLE); INCOMING have not arrived.
 */
const ON_HAND_STATES: readonly StockState[] = ['PENDING_INSPECTION', 'SELLABLE', 'DAMAGED', 'REFURBISH', 'VENDOR_RETURN'];

/** A balance row: units of one SKU at one location in one state. */
export interface Balance {
  sku: string;
  location_id: string;
  state: StockState;
  quantity: number;
}

/** The computed stock of one SKU at one location. */
export interface StockLevel {
  sku: string;
  locationId: string;
  availableToSell: number;
  onHand: number;
  quantities: { state: StockState; quantity: number }[];
}

/**
 * Folds the balances of one SKU at one location into a level. Available to sell is
 * SELLABLE - RESERVED - safety stock, floored at zero: safety stock may exceed what is there.
 */
export function stockLevel(sku: string, locationId: string, safetyStock: number, balances: readonly Balance[]): StockLevel {
  const byState = new Map<StockState, number>(STOCK_STATES.map((state) => [state, 0]));
  for (const balance of balances) byState.set(balance.state, (byState.get(balance.state) ?? 0) + balance.quantity);
  const quantity = (state: StockState) => byState.get(state) ?? 0;
  return {
    sku,
    locationId,
    availableToSell: Math.max(0, quantity('SELLABLE') - quantity('RESERVED') - safetyStock),
    onHand: ON_HAND_STATES.reduce((sum, state) => sum + quantity(state), 0),
    quantities: STOCK_STATES.map((state) => ({ state, quantity: quantity(state) })),
  };
}
