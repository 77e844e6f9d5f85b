import fc from 'fast-check';
import { formatMinor } from '../../../platform/money';
import { fromBcAmount, toBcAmount } from './bc-amounts';

describe('BC amounts', () => {
  it('reads BC’s JSON numbers as exact minor units', () => {
    expect(fromBcAmount(7508.16, 'USD')).toBe(750_816);
    expect(fromBcAmount(JSON.parse('0.29'), 'USD')).toBe(29);
    expect(fromBcAmount(1.005, 'KWD')).toBe(1_005);
    expect(fromBcAmount(1250, 'JPY')).toBe(1_250);
    expect(fromBcAmount(-3, 'USD')).toBe(-300);
  });

  it('refuses rather than rounds what no minor unit holds', () => {
    expect(() => fromBcAmount(0.1 + 0.2, 'USD')).toThrow(RangeError);
    expect(() => fromBcAmount(12.5, 'JPY')).toThrow(/more than 0 decimals/);
    expect(() => fromBcAmount(1e21, 'USD')).toThrow(RangeError);
    expect(() => fromBcAmount('12.50', 'USD')).toThrow(RangeError);
  });

  it('round-trips every amount through BC’s JSON unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('USD', 'JPY', 'KWD', 'EUR'), (minor, currency) => {
        const wire = JSON.parse(JSON.stringify({ unitPrice: toBcAmount(minor, currency) })) as { unitPrice: number };
        expect(fromBcAmount(wire.unitPrice, currency)).toBe(minor);
        expect(Number(formatMinor(minor, currency))).toBe(wire.unitPrice);
      }),
    );
  });
});
