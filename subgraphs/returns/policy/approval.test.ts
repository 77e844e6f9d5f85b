import { approvalDecision } from './approval';
import { loadDefaultPolicy } from './load';

const policy = loadDefaultPolicy();

describe('approval thresholds (auto up to 200.00, manager above 500.00)', () => {
  it('auto-approves up to and including 200.00', () => {
    expect(approvalDecision(policy, 0)).toBe('AUTO_APPROVE');
    expect(approvalDecision(policy, 20_000)).toBe('AUTO_APPROVE');
  });

  it('needs an approval from 200.01 up to and including 500.00', () => {
    expect(approvalDecision(policy, 20_001)).toBe('NEEDS_APPROVAL');
    expect(approvalDecision(policy, 50_000)).toBe('NEEDS_APPROVAL');
  });

  it('needs a manager above 500.00', () => {
    expect(approvalDecision(policy, 50_001)).toBe('NEEDS_MANAGER_APPROVAL');
  });

  it('throws on a negative or fractional value, which is a caller bug', () => {
    expect(() => approvalDecision(policy, -1)).toThrow(RangeError);
    expect(() => approvalDecision(policy, 10.5)).toThrow(RangeError);
  });
});
