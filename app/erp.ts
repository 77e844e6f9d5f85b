import { readFileSync } from 'node:fs';
import type { Db } from '../platform/db';
import type { ErpConnector } from '../connectors/erp/port';
import { ReferenceErp } from '../connectors/erp/reference/reference-erp';
import { DEFAULT_BURST, DEFAULT_MAX_CONCURRENCY, DEFAULT_REQUESTS_PER_SECOND } from '../connectors/erp/throttle';
import { NetSuiteErp } from '../connectors/erp/netsuite/netsuite-erp';
import type { NetSuiteErpOptions } from '../connectors/erp/netsuite/netsuite-options';
import { BusinessCentralErp } from '../connectors/erp/business-central/business-central-erp';
import type { BusinessCentralOptions } from '../connectors/erp/business-central/bc-options';
import { required, type Config } from './config';

/** How hard the ERP may be pushed, by every instance together (`ERP_REQUESTS_PER_SECOND`, `ERP_BURST`, `ERP_MAX_CONCURRENCY`). */
export interface ErpLimits {
  requestsPerSecond: number;
  burst: number;
  maxConcurrency: number;
}

/**
 * Which ERP credit memos and stock movements are booked in (`ERP_CONNECTOR`, validated by
 * app/config.ts): the reference ERP in our own database (the embedded default), NetSuite or
 * Dynamics 365 Business Central. Options are the adapters' own, so each adapter validates them again
 * at construction.
 */
export type ErpSettings = { limits: ErpLimits } & (
  | { connector: 'reference' }
  | { connector: 'netsuite'; netsuite: NetSuiteErpOptions }
  | { connector: 'business-central'; businessCentral: Omit<BusinessCentralOptions, 'stockLedger'> }
);

/** The embedded default's ERP at the limiter's default limits: what tests and benches that configure nothing post to. */
export const REFERENCE_ERP_SETTINGS: ErpSettings = {
  connector: 'reference',
  limits: { requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND, burst: DEFAULT_BURST, maxConcurrency: DEFAULT_MAX_CONCURRENCY },
};

/**
 * The limiter's budget key: one per ERP account, whichever instance posts to it (so every instance
 * of every subgraph shares it), and a new budget when the account changes.
 */
export function erpAccountKey(settings: ErpSettings): string {
  if (settings.connector === 'netsuite') return `netsuite:${settings.netsuite.accountId}`;
  if (settings.connector === 'business-central') {
    const bc = settings.businessCentral;
    return `business-central:${bc.tenantId}/${bc.environment}/${bc.companyId}`;
  }
  return 'reference';
}

/** The ERP settings of a validated configuration. Reads NETSUITE_PRIVATE_KEY_FILE, naming it when it cannot. */
export function erpSettings(config: Config): ErpSettings {
  const limits = { requestsPerSecond: config.ERP_REQUESTS_PER_SECOND, burst: config.ERP_BURST, maxConcurrency: config.ERP_MAX_CONCURRENCY };
  if (config.ERP_CONNECTOR === 'netsuite') return { limits, connector: 'netsuite', netsuite: netsuiteOptions(config) };
  if (config.ERP_CONNECTOR === 'business-central') return { limits, connector: 'business-central', businessCentral: businessCentralOptions(config) };
  return { limits, connector: 'reference' };
}

// loadConfig has refused ERP_CONNECTOR=netsuite / business-central without what they need; `required` only narrows the types.
const NETSUITE = 'ERP_CONNECTOR=netsuite books in NetSuite';
const BUSINESS_CENTRAL = 'ERP_CONNECTOR=business-central books in Business Central';

function netsuiteOptions(config: Config): NetSuiteErpOptions {
  return {
    accountId: required(config.NETSUITE_ACCOUNT_ID, 'NETSUITE_ACCOUNT_ID', NETSUITE),
    auth:
      config.NETSUITE_AUTH === 'oauth2'
        ? {
            kind: 'oauth2-m2m',
            clientId: required(config.NETSUITE_CLIENT_ID, 'NETSUITE_CLIENT_ID', NETSUITE),
            certificateId: required(config.NETSUITE_CERTIFICATE_ID, 'NETSUITE_CERTIFICATE_ID', NETSUITE),
            privateKeyPem: privateKey(required(config.NETSUITE_PRIVATE_KEY_FILE, 'NETSUITE_PRIVATE_KEY_FILE', NETSUITE)),
            algorithm: config.NETSUITE_JWT_ALGORITHM,
          }
        : {
            kind: 'tba',
            consumerKey: required(config.NETSUITE_CONSUMER_KEY, 'NETSUITE_CONSUMER_KEY', NETSUITE),
            consumerSecret: required(config.NETSUITE_CONSUMER_SECRET, 'NETSUITE_CONSUMER_SECRET', NETSUITE),
            tokenId: required(config.NETSUITE_TOKEN_ID, 'NETSUITE_TOKEN_ID', NETSUITE),
            tokenSecret: required(config.NETSUITE_TOKEN_SECRET, 'NETSUITE_TOKEN_SECRET', NETSUITE),
          },
    apiBase: config.NETSUITE_API_BASE,
    salesOrderLookup: config.NETSUITE_SALES_ORDER_LOOKUP,
    currencyIds: required(config.NETSUITE_CURRENCY_IDS, 'NETSUITE_CURRENCY_IDS', NETSUITE),
    defaultCustomerId: required(config.NETSUITE_DEFAULT_CUSTOMER_ID, 'NETSUITE_DEFAULT_CUSTOMER_ID', NETSUITE),
    customerLookup: config.NETSUITE_CUSTOMER_LOOKUP,
    subsidiaryId: config.NETSUITE_SUBSIDIARY_ID,
    locationIds: config.NETSUITE_LOCATION_IDS,
    defaultLocationId: required(config.NETSUITE_DEFAULT_LOCATION_ID, 'NETSUITE_DEFAULT_LOCATION_ID', NETSUITE),
    itemIds: config.NETSUITE_ITEM_IDS,
    miscellaneousItemId: required(config.NETSUITE_MISC_ITEM_ID, 'NETSUITE_MISC_ITEM_ID', NETSUITE),
    shippingItemId: required(config.NETSUITE_SHIPPING_ITEM_ID, 'NETSUITE_SHIPPING_ITEM_ID', NETSUITE),
    restockingFeeItemId: required(config.NETSUITE_RESTOCKING_FEE_ITEM_ID, 'NETSUITE_RESTOCKING_FEE_ITEM_ID', NETSUITE),
    salesTaxItemId: required(config.NETSUITE_SALES_TAX_ITEM_ID, 'NETSUITE_SALES_TAX_ITEM_ID', NETSUITE),
    adjustmentAccountId: required(config.NETSUITE_ADJUSTMENT_ACCOUNT_ID, 'NETSUITE_ADJUSTMENT_ACCOUNT_ID', NETSUITE),
  };
}

/** The PEM key of NETSUITE_PRIVATE_KEY_FILE; a missing file or one without a PKCS#8 key stops the process naming the setting. */
function privateKey(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `Invalid configuration:\n  NETSUITE_PRIVATE_KEY_FILE: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}) (got ${JSON.stringify(file)})`,
    );
  }
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) {
    throw new Error(
      `Invalid configuration:\n  NETSUITE_PRIVATE_KEY_FILE: must hold a PKCS#8 PEM private key ("-----BEGIN PRIVATE KEY-----") (got ${JSON.stringify(file)})`,
    );
  }
  return pem;
}

function businessCentralOptions(config: Config): Omit<BusinessCentralOptions, 'stockLedger'> {
  return {
    tenantId: required(config.BC_TENANT_ID, 'BC_TENANT_ID', BUSINESS_CENTRAL),
    environment: required(config.BC_ENVIRONMENT, 'BC_ENVIRONMENT', BUSINESS_CENTRAL),
    companyId: required(config.BC_COMPANY_ID, 'BC_COMPANY_ID', BUSINESS_CENTRAL),
    clientId: required(config.BC_CLIENT_ID, 'BC_CLIENT_ID', BUSINESS_CENTRAL),
    clientSecret: required(config.BC_CLIENT_SECRET, 'BC_CLIENT_SECRET', BUSINESS_CENTRAL),
    localCurrency: required(config.BC_LOCAL_CURRENCY, 'BC_LOCAL_CURRENCY', BUSINESS_CENTRAL),
    accounts: {
      shipping: required(config.BC_ACCOUNT_SHIPPING, 'BC_ACCOUNT_SHIPPING', BUSINESS_CENTRAL),
      restockingFee: required(config.BC_ACCOUNT_RESTOCKING_FEE, 'BC_ACCOUNT_RESTOCKING_FEE', BUSINESS_CENTRAL),
      tax: required(config.BC_ACCOUNT_TAX, 'BC_ACCOUNT_TAX', BUSINESS_CENTRAL),
      merchandise: config.BC_ACCOUNT_MERCHANDISE,
    },
    merchandiseAs: config.BC_MERCHANDISE_AS,
    defaultCustomerNumber: config.BC_DEFAULT_CUSTOMER,
    nonTaxableTaxCode: config.BC_NON_TAXABLE_TAX_CODE,
    apiBase: config.BC_API_BASE,
    authorityHost: config.BC_AUTHORITY_HOST,
  };
}

/**
 * The configured ERP adapter, unthrottled (`buildConnectors` puts the shared limiter in front).
 * Business Central's API v2.0 cannot book stock movements, so they are kept in the reference ERP's
 * books in our database (its `erp` schema) rather than dropped.
 */
export function erpAdapter(db: Db, settings: ErpSettings): ErpConnector {
  if (settings.connector === 'netsuite') return new NetSuiteErp(settings.netsuite);
  if (settings.connector === 'business-central') return new BusinessCentralErp({ ...settings.businessCentral, stockLedger: new ReferenceErp(db) });
  return new ReferenceErp(db);
}
