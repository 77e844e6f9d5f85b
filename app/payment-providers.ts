/**
 * The payment providers' adapters (Stripe, Adyen): app/connectors.ts requires this module only when
 * `PAYMENTS_MODE` names providers, so the simulated default never loads their SDKs.
 */
import type { Db } from '../platform/db';
import { StripeGateway } from '../connectors/payments/stripe/stripe-gateway';
import { StripeWebhookVerifier } from '../connectors/payments/stripe/stripe-webhooks';
import { AdyenGateway } from '../connectors/payments/adyen/adyen-gateway';
import { AdyenWebhookVerifier } from '../connectors/payments/adyen/adyen-webhooks';
import { AdyenReportIndex } from '../connectors/payments/adyen/adyen-report-index';
import type { PaymentGateway, RefundWebhookVerifier } from '../connectors/payments/port';
import type { ProviderSettings } from './connectors';

/** One provider's gateway and webhook verifier. */
export function providerConnectors(db: Db, settings: ProviderSettings): { gateway: PaymentGateway; verifier: RefundWebhookVerifier } {
  switch (settings.provider) {
    case 'stripe':
      return {
        gateway: new StripeGateway({ secretKey: settings.secretKey, apiBase: settings.apiBase }),
        verifier: new StripeWebhookVerifier({ endpointSecret: settings.webhookSecret }),
      };
    case 'adyen': {
      // Adyen announces each settlement report once (REPORT_AVAILABLE): the verifier records its
      // name before the notification is acknowledged, and reconciliation lists refunds from them.
      const reports = new AdyenReportIndex(db);
      return {
        gateway: new AdyenGateway({
          apiKey: settings.apiKey,
          merchantAccount: settings.merchantAccount,
          environment: settings.environment,
          liveEndpointUrlPrefix: settings.liveEndpointUrlPrefix,
          apiBase: settings.apiBase,
          reportBase: settings.reportBase,
          settlementReportNames: (window) => reports.namesFor(window),
        }),
        verifier: new AdyenWebhookVerifier({ hmacKey: settings.hmacKey, onReportAvailable: (name, url) => reports.remember(name, url) }),
      };
    }
  }
}
