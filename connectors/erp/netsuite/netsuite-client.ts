/**
 * The HTTP side of the NetSuite connector: signs every request, bounds it in time, renews a refused
 * token once, and turns NetSuite's answers into records, new ids, or the port's errors.
 */
import { ErpUnavailableError } from '../port';
import type { NetSuiteAuth } from './netsuite-auth';
import { errorForAnswer, isDuplicateExternalId, parseAnswer } from './netsuite-errors';

/** A raw answer. */
interface Answer {
  status: number;
  text: string;
  location: string | null;
  retryAfter: string | null;
}

/** The record types the connector touches (REST record API v1 names). */
export type NetSuiteRecordType = 'salesOrder' | 'returnAuthorization' | 'creditMemo' | 'itemReceipt' | 'inventoryAdjustment';

/** What a create, upsert or transform answered: the new record's internal id, or that the external id was taken. */
export type Created = { kind: 'created'; id: string } | { kind: 'duplicate' };

/** Rows per SuiteQL page: NetSuite's maximum, so a reconciliation window costs as few requests as possible. */
export const SUITEQL_PAGE_SIZE = 1000;
/** Pages followed at most: 100 000 rows is far beyond a day of memos; a loop in `next` links must not run forever. */
const SUITEQL_MAX_PAGES = 100;

/** A SuiteQL result page. */
interface SuiteQlPage {
  items?: Record<string, unknown>[];
  hasMore?: boolean;
  links?: { rel?: string; href?: string }[];
}

/** The REST client of one account. */
export class NetSuiteClient {
  constructor(
    private readonly base: string,
    private readonly auth: NetSuiteAuth,
    private readonly timeoutMs: number,
  ) {}

  /** `GET /record/v1/<type>/<key>` (`key` an internal id or `eid:…`); null when NetSuite has no such record. */
  async getRecord<T extends object>(type: NetSuiteRecordType, key: string, query = ''): Promise<T | null> {
    const answer = await this.call('GET', this.recordUrl(type, key) + query);
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw errorForAnswer(`GET ${type}/${key}`, answer.status, answer.text, answer.retryAfter);
    return parseAnswer<T>(`GET ${type}/${key}`, answer.text);
  }

  /**
   * A write that creates a record: `POST <type>` (create), `PUT <type>/eid:<x>` (upsert) or
   * `POST <type>/<id>/!transform/<target>`. NetSuite answers 204 with the new record's `Location`.
   */
  async create(method: 'POST' | 'PUT', path: string, body: unknown): Promise<Created> {
    const answer = await this.call(method, `${this.base}/services/rest/record/v1/${path}`, JSON.stringify(body));
    if (answer.status >= 200 && answer.status < 300) {
      const id = answer.location?.split('/').pop();
      if (!id) throw new ErpUnavailableError(`NetSuite ${method} ${path} answered ${answer.status} without a Location`);
      return { kind: 'created', id };
    }
    if (isDuplicateExternalId(answer.status, answer.text)) return { kind: 'duplicate' };
    throw errorForAnswer(`${method} ${path}`, answer.status, answer.text, answer.retryAfter);
  }

  /** Every row of a SuiteQL query, following NetSuite's `next` links while `hasMore`. */
  async suiteql(query: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let url: string | undefined = `${this.base}/services/rest/query/v1/suiteql?limit=${SUITEQL_PAGE_SIZE}&offset=0`;
    for (let page = 0; url !== undefined; page += 1) {
      if (page >= SUITEQL_MAX_PAGES) throw new ErpUnavailableError(`NetSuite SuiteQL: more than ${SUITEQL_MAX_PAGES} pages; narrow the window`);
      // Transient: SuiteQL through REST requires it; the results are not kept as a saved query.
      const answer = await this.call('POST', url, JSON.stringify({ q: query }), { prefer: 'transient' });
      if (answer.status !== 200) throw errorForAnswer('SuiteQL', answer.status, answer.text, answer.retryAfter);
      const body = parseAnswer<SuiteQlPage>('SuiteQL', answer.text);
      rows.push(...(body.items ?? []));
      url = body.hasMore ? body.links?.find((link) => link.rel === 'next')?.href : undefined;
      if (body.hasMore && url === undefined) throw new ErpUnavailableError('NetSuite SuiteQL said hasMore without a next link');
    }
    return rows;
  }

  private recordUrl(type: NetSuiteRecordType, key: string): string {
    return `${this.base}/services/rest/record/v1/${type}/${key}`;
  }

  /** One request; a 401 renews the token and tries once more (a token can expire between our check and NetSuite's). */
  private async call(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    let answer = await this.once(method, url, body, headers);
    if (answer.status === 401) {
      this.auth.invalidate();
      answer = await this.once(method, url, body, headers);
    }
    return answer;
  }

  private async once(method: string, url: string, body: string | undefined, headers: Record<string, string>): Promise<Answer> {
    const authorization = await this.auth.header(method, url);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // The request may or may not have been executed: the retry finds what was booked by external id.
      throw new ErpUnavailableError(`NetSuite ${method} ${new URL(url).pathname} failed: ${(error as Error).message}`);
    }
    return { status: response.status, text, location: response.headers.get('location'), retryAfter: response.headers.get('retry-after') };
  }
}
