import { CAPABILITIES, decide, operationOf } from './capabilities';
import { canSeeUpdate, readScope } from './tenancy';
import { ROLES, type Principal } from './principal';

const customer: Principal = { subject: 'c', roles: ['customer'], customerId: 'cus_1', storeIds: [] };
const associate: Principal = { subject: 'a', roles: ['store_associate'], storeIds: ['loc_store_nyc'] };
const partner: Principal = { subject: 'p', roles: ['marketplace_partner'], partnerId: 'mkp_a', storeIds: [] };

describe('the capability table', () => {
  it('names only known roles and scopes in every row', () => {
    for (const grant of Object.values(CAPABILITIES)) {
      for (const [role, scope] of Object.entries(grant)) {
        expect(ROLES).toContain(role);
        expect(['any', 'own_customer', 'own_marketplace', 'own_store']).toContain(scope);
      }
    }
  });

  it('maps every per-subgraph pipeline field to its shared row and unknown fields to none', () => {
    expect(operationOf('returnsEventPipeline')).toBe('eventPipeline');
    expect(operationOf('replayInventoryDeadLetters')).toBe('replayDeadLetters');
    expect(operationOf('cancelReturn')).toBe('cancelReturn');
    expect(operationOf('dropDatabase')).toBeNull();
  });
});

describe('decide', () => {
  it('refuses a role the operation does not list, whatever the target', () => {
    expect(decide(customer, 'approveReturn', { customerId: 'cus_1' })).toBe('forbidden');
    expect(decide(customer, 'approveReturn')).toBe('forbidden');
  });

  it("hides another tenant's target instead of refusing it", () => {
    expect(decide(customer, 'cancelReturn', { customerId: 'cus_2' })).toBe('hidden');
    expect(decide(partner, 'cancelReturn', { customerId: 'cus_2', partnerId: 'mkp_b' })).toBe('hidden');
    expect(decide(customer, 'cancelReturn', { customerId: 'cus_1' })).toBe('allow');
  });

  it('never counts a target without a location as a store’s (an online return)', () => {
    expect(decide(associate, 'cancelReturn', { customerId: 'cus_2', locationIds: [null] })).toBe('forbidden');
    expect(decide(associate, 'cancelReturn', { customerId: 'cus_2', locationIds: [] })).toBe('forbidden');
    expect(decide(associate, 'cancelReturn', { customerId: 'cus_2', locationIds: ['loc_store_nyc'] })).toBe('allow');
  });

  it('needs every location an operation touches to be the store staff’s own', () => {
    const inspection = (received: string) => decide(associate, 'recordInspection', { locationIds: ['loc_store_nyc', received] });
    expect(inspection('loc_store_sfo')).toBe('forbidden');
    expect(inspection('loc_store_nyc')).toBe('allow');
  });

  it('lets a principal with several roles do what any one of them may', () => {
    const both: Principal = { ...associate, roles: ['store_associate', 'customer'], customerId: 'cus_1' };
    expect(decide(both, 'cancelReturn', { customerId: 'cus_1', locationIds: [null] })).toBe('allow');
  });
});

describe('read scopes derived from the table', () => {
  it('gives staff every row, customers and partners their own, a token without its id nothing', () => {
    const reads: [Principal, ReturnType<typeof readScope>][] = [
      [associate, { kind: 'all' }],
      [customer, { kind: 'customer', customerId: 'cus_1' }],
      [partner, { kind: 'partner', partnerId: 'mkp_a' }],
      [{ ...customer, customerId: undefined }, { kind: 'none' }],
    ];
    for (const [principal, scope] of reads) expect(readScope(principal)).toEqual(scope);
  });

  it("shows store staff only their stores' updates and the back office all", () => {
    const update = { customerId: 'cus_2', partnerId: null, storeId: 'loc_store_sfo' };
    expect(canSeeUpdate(associate, update)).toBe(false);
    expect(canSeeUpdate(associate, { ...update, storeId: 'loc_store_nyc' })).toBe(true);
    expect(canSeeUpdate({ subject: 'f', roles: ['finance'], storeIds: [] }, update, 'refundUpdates')).toBe(true);
    expect(canSeeUpdate(customer, update)).toBe(false);
  });
});
