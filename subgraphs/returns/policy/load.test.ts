import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidPolicyError, formatPath, loadDefaultPolicy, loadPolicyFile, parsePolicy } from './load';
import { defaultDocument } from './testing/policy-kit';

/** Parses `document` expecting a refusal, and returns the error's message. */
function refusal(document: unknown): string {
  try {
    parsePolicy(document);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPolicyError);
    return (error as Error).message;
  }
  throw new Error('the document was accepted');
}

describe('loading the policy document', () => {
  it('validates the shipped default document', () => {
    const policy = loadDefaultPolicy();
    expect(policy.version).toBe(1);
    expect(policy.windows).toContainEqual({ channel: '*', category: '*', days: 30 });
    expect(policy.windowStart.channels.POS).toBe('PURCHASE');
    expect(policy.finalSale.returnable).toBe(false);
  });

  it('returns a frozen policy so no request can change it for the next', () => {
    const policy = loadDefaultPolicy();
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.windows[0])).toBe(true);
    expect(() => {
      (policy.approval as { autoApproveUpToMinor: number }).autoApproveUpToMinor = 1;
    }).toThrow(TypeError);
  });

  it('refuses a document that is not an object, naming the root', () => {
    expect(refusal(null)).toContain('(root): Invalid input: expected object');
  });

  it('refuses a negative window, naming its path', () => {
    const doc = defaultDocument();
    doc.windows[2] = { ...doc.windows[2]!, days: -1 };
    expect(refusal(doc)).toMatch(/windows\[2\]\.days: Too small/);
  });

  it('refuses a category in capitals, which no order line can carry', () => {
    const doc = defaultDocument();
    doc.windows[1] = { ...doc.windows[1]!, category: 'Electronics' };
    expect(refusal(doc)).toContain('windows[1].category: must be "*" or a lower-case category');
  });

  it('refuses windows without a catch-all rule', () => {
    const doc = defaultDocument();
    doc.windows = doc.windows.filter((r) => !(r.channel === '*' && r.category === '*'));
    expect(refusal(doc)).toContain('windows: needs a catch-all rule');
  });

  it('refuses two window rules for the same channel and category', () => {
    const doc = defaultDocument();
    doc.windows = [...doc.windows, { channel: 'MARKETPLACE', category: 'electronics', days: 7 }];
    expect(refusal(doc)).toContain('windows[4]: repeats the channel and category of windows[3] (MARKETPLACE/electronics)');
  });

  it('refuses CASH refunds outside POS, and for tenders other than cash', () => {
    const doc = defaultDocument();
    doc.refundMethods = [
      ...doc.refundMethods,
      { channel: 'ECOMMERCE', tender: 'CASH', methods: ['CASH'] },
      { channel: 'POS', tender: 'CARD', methods: ['CASH'] },
      { channel: 'POS', tender: '*', methods: ['CASH'] },
    ];
    const message = refusal(doc);
    for (const index of [6, 7, 8]) {
      expect(message).toContain(`refundMethods[${index}].methods: CASH refunds are allowed only in a rule with "channel": "POS" and "tender": "CASH"`);
    }
  });

  it('refuses refund rules without a catch-all, with no methods, or repeating a method', () => {
    const doc = defaultDocument();
    doc.refundMethods = [
      { channel: 'POS', tender: '*', methods: [] },
      { channel: 'ECOMMERCE', tender: '*', methods: ['STORE_CREDIT', 'STORE_CREDIT'] },
    ];
    const message = refusal(doc);
    expect(message).toContain('refundMethods: needs a catch-all rule');
    expect(message).toContain('refundMethods[0].methods: Too small');
    expect(message).toContain('refundMethods[1].methods: must not repeat a value');
  });

  it('refuses restocking rules that claim the same category and reason twice', () => {
    const doc = defaultDocument();
    doc.restockingFees = [...doc.restockingFees, { category: 'electronics', reasons: ['UNWANTED'], percent: 10 }];
    expect(refusal(doc)).toContain('restockingFees[2].reasons: UNWANTED for category "electronics" is already covered by restockingFees[0]');
  });

  it('refuses a percentage above 100 or finer than a basis point', () => {
    const doc = defaultDocument();
    doc.restockingFees = [
      { category: 'furniture', reasons: '*', percent: 101 },
      { category: 'toys', reasons: '*', percent: 12.345 },
    ];
    const message = refusal(doc);
    expect(message).toContain('restockingFees[0].percent: Too big');
    expect(message).toContain('restockingFees[1].percent: must have at most two decimals');
  });

  it('refuses thresholds out of order', () => {
    const doc = defaultDocument();
    doc.fraud = {
      ...doc.fraud,
      returnsIn30Days: { review: 6, decline: 5 },
      returnedValueRatio90Days: { reviewBasisPoints: 9000, declineBasisPoints: 8000, minimumReturns: 3 },
    };
    doc.approval = { autoApproveUpToMinor: 60000, managerApprovalAboveMinor: 50000 };
    const message = refusal(doc);
    expect(message).toContain('fraud.returnsIn30Days.review: must not be above decline');
    expect(message).toContain('fraud.returnedValueRatio90Days.reviewBasisPoints: must not be above declineBasisPoints');
    expect(message).toContain('approval.autoApproveUpToMinor: must not be above managerApprovalAboveMinor');
  });

  it('refuses unknown keys, so a misspelt field is not silently ignored', () => {
    const doc = defaultDocument();
    doc.windows = [...doc.windows, { channel: '*', category: 'toys', dayz: 30 } as never];
    expect(refusal(doc)).toContain('windows[4]: Unrecognized key: "dayz"');
  });

  it('refuses an effectiveFrom that is not an ISO instant', () => {
    expect(refusal({ ...defaultDocument(), effectiveFrom: 'next monday' })).toContain('effectiveFrom: Invalid ISO datetime');
  });

  it('names the file when a policy file is not valid JSON', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'policy-')), 'broken.json');
    writeFileSync(file, '{ "version": 1, ');
    expect(() => loadPolicyFile(file)).toThrow(new RegExp(`Invalid return policy \\(${file.replace(/[.\\]/g, '\\$&')}\\): \\(root\\): not valid JSON`));
  });

  it('loads a valid policy file', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'policy-')), 'policy.json');
    writeFileSync(file, JSON.stringify({ ...defaultDocument(), version: 7 }));
    expect(loadPolicyFile(file).version).toBe(7);
  });

  it('formats paths the way an editor of the JSON reads them', () => {
    expect(formatPath(['fraud', 'returnsIn30Days', 'review'])).toBe('fraud.returnsIn30Days.review');
    expect(formatPath(['windows', 0, 'days'])).toBe('windows[0].days');
    expect(formatPath([])).toBe('(root)');
  });
});
