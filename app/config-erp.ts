/**
 * The ERP group of settings (`ERP_CONNECTOR`, the shared limits, NetSuite's and Business
 * Central's credentials and mappings) and what each connector requires, for `config.ts`.
 */
import { z } from 'zod';
import { DEFAULT_BURST, DEFAULT_MAX_CONCURRENCY, DEFAULT_REQUESTS_PER_SECOND } from '../connectors/erp/throttle';
import { httpUrl, idMap, netsuiteId, secret, url, wholeNumber } from './config-values';

/** Which ERP credit memos and stock movements are booked in, and how hard it may be pushed. */
export const ERP_SETTINGS = {
  /** `reference` (the embedded ERP in our database), `netsuite` or `business-central`. */
  ERP_CONNECTOR: z.enum(['reference', 'netsuite', 'business-central'], { error: 'must be "reference", "netsuite" or "business-central"' }).default('reference'),
  /** Postings started per second across every instance (the ERP account's share for this integration). */
  ERP_REQUESTS_PER_SECOND: wholeNumber(1, 1000).default(DEFAULT_REQUESTS_PER_SECOND),
  /** Postings that may start back to back after a quiet spell. */
  ERP_BURST: wholeNumber(1, 100).default(DEFAULT_BURST),
  /** Postings in flight at once across every instance (NetSuite's and Business Central's concurrency limits are per account). */
  ERP_MAX_CONCURRENCY: wholeNumber(1, 64).default(DEFAULT_MAX_CONCURRENCY),
  /** Failed attempts after which a queued ERP posting is logged as an exception (it keeps retrying: nothing is dropped). */
  ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS: wholeNumber(1, 1000).default(5),
  /** NetSuite account id ("1234567" or a sandbox "1234567_SB1"); required when ERP_CONNECTOR=netsuite. */
  NETSUITE_ACCOUNT_ID: z
    .string()
    .regex(/^[0-9A-Za-z]+(_[A-Za-z0-9]+)?$/, 'must be a NetSuite account id such as "1234567" or "1234567_SB1"')
    .optional(),
  /** `oauth2` (machine to machine: client credentials with a signed JWT) or `tba` (token-based, OAuth 1.0a). */
  NETSUITE_AUTH: z.enum(['oauth2', 'tba'], { error: 'must be "oauth2" or "tba"' }).default('oauth2'),
  /** Client id of the integration record (oauth2). */
  NETSUITE_CLIENT_ID: secret(16).optional(),
  /** Certificate id of the key pair mapped to the integration (oauth2), the JWT's `kid`. */
  NETSUITE_CERTIFICATE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,100}$/, 'must be the certificate id NetSuite shows for the uploaded certificate')
    .optional(),
  /** File of the PEM private key whose certificate was uploaded to NetSuite (oauth2). */
  NETSUITE_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** Consumer key and secret of the integration record, token id and secret of the access token (tba). */
  NETSUITE_CONSUMER_KEY: secret(16).optional(),
  NETSUITE_CONSUMER_SECRET: secret(16).optional(),
  NETSUITE_TOKEN_ID: secret(16).optional(),
  NETSUITE_TOKEN_SECRET: secret(16).optional(),
  /** Signing algorithm of the JWT assertion (oauth2), matching the uploaded certificate's key. */
  NETSUITE_JWT_ALGORITHM: z.enum(['PS256', 'ES256', 'RS256'], { error: 'must be "PS256", "ES256" or "RS256"' }).default('PS256'),
  /** Another SuiteTalk origin (a test double); default "https://<account>.suitetalk.api.netsuite.com". */
  NETSUITE_API_BASE: httpUrl.optional(),
  /** How the sales order of a refund is found: `otherRefNum` (the web order number in the PO field) or `externalId`. */
  NETSUITE_SALES_ORDER_LOOKUP: z.enum(['otherRefNum', 'externalId'], { error: 'must be "otherRefNum" or "externalId"' }).default('otherRefNum'),
  /** `USD=1,EUR=4`: the internal id of every currency refunds are made in. Required with netsuite. */
  NETSUITE_CURRENCY_IDS: idMap('[A-Z]{3}', 'ISO currency code').optional(),
  /** The customer of a memo with no sales order to transform (or of every memo with NETSUITE_CUSTOMER_LOOKUP=default). */
  NETSUITE_DEFAULT_CUSTOMER_ID: netsuiteId.optional(),
  /** `default` (always NETSUITE_DEFAULT_CUSTOMER_ID) or `externalId` (our customer id is the customer's external id). */
  NETSUITE_CUSTOMER_LOOKUP: z.enum(['default', 'externalId'], { error: 'must be "default" or "externalId"' }).default('default'),
  /** Subsidiary of created memos and adjustments (OneWorld accounts). */
  NETSUITE_SUBSIDIARY_ID: netsuiteId.optional(),
  /** The location of created memos and of stock at a location not in NETSUITE_LOCATION_IDS. */
  NETSUITE_DEFAULT_LOCATION_ID: netsuiteId.optional(),
  /** `loc_wh_nj=3,loc_store_soho=7`: our location ids to NetSuite's. */
  NETSUITE_LOCATION_IDS: idMap('loc_[A-Za-z0-9_]{1,60}', 'location id').optional(),
  /** `SKU=id` pairs; SKUs not listed are looked up by item name with SuiteQL. */
  NETSUITE_ITEM_IDS: idMap('[A-Za-z0-9_.-]{1,100}', 'SKU').optional(),
  /** Items of memo lines without a SKU, of refunded shipping, of the restocking fee kept and of our exact sales tax. */
  NETSUITE_MISC_ITEM_ID: netsuiteId.optional(),
  NETSUITE_SHIPPING_ITEM_ID: netsuiteId.optional(),
  NETSUITE_RESTOCKING_FEE_ITEM_ID: netsuiteId.optional(),
  NETSUITE_SALES_TAX_ITEM_ID: netsuiteId.optional(),
  /** Account of inventory adjustments (stock leaving, or arriving without a return authorization). */
  NETSUITE_ADJUSTMENT_ACCOUNT_ID: netsuiteId.optional(),
  /** Microsoft Entra tenant (directory) id of the Business Central environment; required when ERP_CONNECTOR=business-central. */
  BC_TENANT_ID: z.uuid({ error: 'must be the Entra tenant id (a GUID)' }).optional(),
  /** Business Central environment name, e.g. "Production" or "Sandbox". */
  BC_ENVIRONMENT: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,30}$/, 'must be a Business Central environment name')
    .optional(),
  /** The company's id (a GUID, from GET companies). */
  BC_COMPANY_ID: z.uuid({ error: 'must be the company id (a GUID)' }).optional(),
  /** Application (client) id of the Entra app registration. */
  BC_CLIENT_ID: z.uuid({ error: 'must be the application (client) id (a GUID)' }).optional(),
  /** Client secret of the Entra app registration. */
  BC_CLIENT_SECRET: secret(16).optional(),
  /** Customer number credit memos are booked to when the order's customer has no customer record of that number. */
  BC_DEFAULT_CUSTOMER: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a Business Central customer number')
    .optional(),
  /** The company's local currency (ISO 4217), which Business Central writes as an empty currency code. */
  BC_LOCAL_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"')
    .optional(),
  /** G/L account numbers of shipping refunded, of the restocking fee kept and of our exact sales tax refunded. */
  BC_ACCOUNT_SHIPPING: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a G/L account number')
    .optional(),
  BC_ACCOUNT_RESTOCKING_FEE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a G/L account number')
    .optional(),
  BC_ACCOUNT_TAX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a G/L account number')
    .optional(),
  /** G/L account of merchandise lines whose SKU is no item in Business Central (without it they are refused). */
  BC_ACCOUNT_MERCHANDISE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a G/L account number')
    .optional(),
  /** Tax group / VAT product posting group for which Business Central computes no tax (our exact tax travels on its own line). */
  BC_NON_TAXABLE_TAX_CODE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a tax group code')
    .optional(),
  /** `item`: merchandise on Item lines (Business Central puts units back into stock); `account`: on BC_ACCOUNT_MERCHANDISE. */
  BC_MERCHANDISE_AS: z.enum(['item', 'account'], { error: 'must be "item" or "account"' }).default('item'),
  /** Another Business Central API origin (a test double); default "https://api.businesscentral.dynamics.com". */
  BC_API_BASE: httpUrl.optional(),
  /** Another Entra authority host (a sovereign cloud); default "https://login.microsoftonline.com". */
  BC_AUTHORITY_HOST: url(/^https$/, 'https://').optional(),
};

/** The validated ERP settings. */
type ErpConfig = z.infer<z.ZodObject<typeof ERP_SETTINGS>>;

/** Adds an issue for each of `names` that is unset, saying it is required `when`. */
export type RequireAll<Name extends string> = (names: readonly Name[], when: string) => void;

/** What the chosen ERP connector needs: each missing setting is named, with the choice that needs it. */
export function requireErpSettings(config: ErpConfig, requireAll: RequireAll<keyof ErpConfig & string>): void {
  if (config.ERP_CONNECTOR === 'netsuite') {
    requireAll(
      [
        'NETSUITE_ACCOUNT_ID',
        'NETSUITE_CURRENCY_IDS',
        'NETSUITE_DEFAULT_CUSTOMER_ID',
        'NETSUITE_DEFAULT_LOCATION_ID',
        'NETSUITE_MISC_ITEM_ID',
        'NETSUITE_SHIPPING_ITEM_ID',
        'NETSUITE_RESTOCKING_FEE_ITEM_ID',
        'NETSUITE_SALES_TAX_ITEM_ID',
        'NETSUITE_ADJUSTMENT_ACCOUNT_ID',
      ],
      'ERP_CONNECTOR=netsuite',
    );
    if (config.NETSUITE_AUTH === 'oauth2') requireAll(['NETSUITE_CLIENT_ID', 'NETSUITE_CERTIFICATE_ID', 'NETSUITE_PRIVATE_KEY_FILE'], 'NETSUITE_AUTH=oauth2');
    else requireAll(['NETSUITE_CONSUMER_KEY', 'NETSUITE_CONSUMER_SECRET', 'NETSUITE_TOKEN_ID', 'NETSUITE_TOKEN_SECRET'], 'NETSUITE_AUTH=tba');
  }
  if (config.ERP_CONNECTOR === 'business-central') {
    requireAll(
      [
        'BC_TENANT_ID',
        'BC_ENVIRONMENT',
        'BC_COMPANY_ID',
        'BC_CLIENT_ID',
        'BC_CLIENT_SECRET',
        'BC_LOCAL_CURRENCY',
        'BC_ACCOUNT_SHIPPING',
        'BC_ACCOUNT_RESTOCKING_FEE',
        'BC_ACCOUNT_TAX',
      ],
      'ERP_CONNECTOR=business-central',
    );
    if (config.BC_MERCHANDISE_AS === 'account') requireAll(['BC_ACCOUNT_MERCHANDISE'], 'BC_MERCHANDISE_AS=account');
  }
}
