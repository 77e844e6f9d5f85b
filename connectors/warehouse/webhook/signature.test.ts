import { InvalidWarehouseWebhookError } from '../port';
import { signWarehouseWebhook, WarehouseWebhookVerifier } from './signature';

const SECRET = 'whsec-east-0123456789abcdef0123456789';
const OTHER = 'whsec-west-0123456789abcdef0123456789';
const NOW_S = 1_793_000_000;
const body = '{"messageId":"WR-1001"}';

const verifier = (nowS = NOW_S, toleranceSeconds?: number) =>
  new WarehouseWebhookVerifier({ secrets: { 'wh-east': SECRET, 'wh-west': OTHER }, toleranceSeconds, now: () => nowS * 1000 });
const headers = (signature: string, warehouseId = 'wh-east') => ({ 'x-warehouse-id': warehouseId, 'x-warehouse-signature': signature });
const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidWarehouseWebhookError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('warehouse webhook signatures', () => {
  it('accepts a body signed by the named warehouse within the tolerance', () => {
    expect(verifier().verify(body, headers(signWarehouseWebhook(SECRET, NOW_S - 299, body)))).toEqual({ warehouseId: 'wh-east' });
  });

  it('matches the worked example of the README', () => {
    expect(signWarehouseWebhook(SECRET, 1793000000, body)).toBe('t=1793000000,v1=892218b5acd41e484599d4d05e9d59632765de7ae88474d06c29e51bae812002');
  });

  it('refuses a tampered body, another warehouse secret and an unknown warehouse alike', () => {
    const signature = signWarehouseWebhook(SECRET, NOW_S, body);
    expect(reasonOf(() => verifier().verify(`${body} `, headers(signature)))).toBe('signature mismatch');
    expect(reasonOf(() => verifier().verify(body, headers(signature, 'wh-west')))).toBe('signature mismatch');
    expect(reasonOf(() => verifier().verify(body, headers(signature, 'wh-nowhere')))).toBe('unknown warehouse');
    expect(reasonOf(() => verifier().verify(body, { 'x-warehouse-signature': signature }))).toBe('unknown warehouse');
  });

  it('refuses a stale or future timestamp, and a replay re-stamped with a new one', () => {
    const old = signWarehouseWebhook(SECRET, NOW_S - 301, body);
    expect(reasonOf(() => verifier().verify(body, headers(old)))).toBe('timestamp outside tolerance');
    expect(reasonOf(() => verifier().verify(body, headers(signWarehouseWebhook(SECRET, NOW_S + 301, body))))).toBe('timestamp outside tolerance');
    const restamped = old.replace(`t=${NOW_S - 301}`, `t=${NOW_S}`);
    expect(reasonOf(() => verifier().verify(body, headers(restamped)))).toBe('signature mismatch');
    expect(reasonOf(() => verifier(NOW_S, 1000).verify(body, headers(old)))).toBe('accepted');
  });

  it('refuses malformed headers and accepts any one of several signatures while a secret rotates', () => {
    for (const bad of ['', 't=abc,v1=00', `v1=${'0'.repeat(64)}`, `t=${NOW_S}`, `t=${NOW_S},v1=${'Z'.repeat(64)}`]) {
      expect(reasonOf(() => verifier().verify(body, headers(bad)))).toBe('malformed signature header');
    }
    const good = signWarehouseWebhook(SECRET, NOW_S, body);
    expect(reasonOf(() => verifier().verify(body, headers(`t=${NOW_S},v1=${'0'.repeat(64)},${good.split(',')[1]}`)))).toBe('accepted');
  });

  it('refuses a secret shorter than 32 characters at construction, naming the warehouse', () => {
    expect(() => new WarehouseWebhookVerifier({ secrets: { 'wh-east': 'short' } })).toThrow(/"wh-east".*at least 32 characters, but has 5/);
  });
});
