import type { Principal } from '../../platform/auth';

/** Sample callers, one per role, with the tenancy scope each role carries. */
export const principals = {
  customer: (customerId = 'cus_demo_0001'): Principal => ({ subject: `user:${customerId}`, roles: ['customer'], customerId, storeIds: [] }),
  storeAssociate: (...storeIds: string[]): Principal => ({
    subject: 'user:associate',
    roles: ['store_associate'],
    storeIds: storeIds.length ? storeIds : ['loc_store_nyc'],
  }),
  storeManager: (...storeIds: string[]): Principal => ({
    subject: 'user:manager',
    roles: ['store_manager'],
    storeIds: storeIds.length ? storeIds : ['loc_store_nyc'],
  }),
  serviceDesk: (): Principal => ({ subject: 'user:agent', roles: ['service_desk'], storeIds: [] }),
  finance: (): Principal => ({ subject: 'user:finance', roles: ['finance'], storeIds: [] }),
  operations: (): Principal => ({ subject: 'user:ops', roles: ['operations_admin'], storeIds: [] }),
  partner: (partnerId = 'mkp_demo_a'): Principal => ({ subject: `partner:${partnerId}`, roles: ['marketplace_partner'], partnerId, storeIds: [] }),
  service: (): Principal => ({ subject: 'service:returns-graph', roles: ['service'], storeIds: [] }),
};
