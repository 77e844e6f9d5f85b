/**
 * The HTTP client we give `@adyen/api-library`: the library builds the endpoint, the headers'
 * meaning and the JSON; this sends it with `fetch`, so that (1) a timeout really aborts the
 * attempt, and (2) `apiBase` can point the library at a local fake or a proxy over plain http
 * (the library's own client always speaks https to Adyen's hosts). Non-2xx answers become the
 * library's own `HttpClientException`, exactly as its default client reports them.
 */
import { HttpClientException, type Config } from '@adyen/api-library';
import type ClientInterface from '@adyen/api-library/lib/src/httpClient/clientInterface';
import type { IRequest } from '@adyen/api-library/lib/src/typings/requestOptions';

/** The request never got an answer (connection refused or dropped, timeout): its outcome is unknown. */
export class AdyenNoAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdyenNoAnswerError';
  }
}

/** Adyen's error body (https://docs.adyen.com/development-resources/response-handling). */
interface AdyenErrorBody {
  status?: number;
  errorCode?: string;
  message?: string;
  errorType?: string;
  pspReference?: string;
}

/** `ClientInterface` over `fetch`, with a hard per-attempt timeout and an optional origin override. */
export class AdyenHttpClient implements ClientInterface {
  constructor(
    private readonly timeoutMs: number,
    /** When set, every endpoint's origin is replaced by this one (path kept). */
    private readonly apiBase: URL | null,
  ) {}

  async request(endpoint: string, json: string | Buffer, config: Config, _isApiKeyRequired: boolean, requestOptions: IRequest.Options = {}): Promise<string> {
    const url = new URL(endpoint);
    if (this.apiBase) {
      url.protocol = this.apiBase.protocol;
      url.host = this.apiBase.host;
    }
    if (requestOptions.params) url.search = new URLSearchParams(requestOptions.params).toString();
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (config.apiKey) headers['x-api-key'] = config.apiKey;
    if (requestOptions.idempotencyKey) headers['idempotency-key'] = requestOptions.idempotencyKey;
    if (config.applicationName) headers['user-agent'] = config.applicationName;
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, {
        method: requestOptions.method ?? 'POST',
        headers,
        body: typeof json === 'string' ? json : new Uint8Array(json),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new AdyenNoAnswerError(`no answer from Adyen at ${url.origin}${url.pathname} within ${this.timeoutMs} ms (${cause})`);
    }
    if (response.ok) return body;
    throw exceptionOf(response, body);
  }
}

/** The library's exception for a non-2xx answer, with Adyen's error body when it sent one. */
function exceptionOf(response: Response, body: string): HttpClientException {
  let apiError: AdyenErrorBody | undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && 'status' in parsed) apiError = parsed as AdyenErrorBody;
  } catch {
    apiError = undefined;
  }
  return new HttpClientException({
    message: `HTTP Exception: ${response.status}. ${response.statusText}${apiError?.message ? `: ${apiError.message}` : ''}`,
    statusCode: response.status,
    errorCode: apiError?.errorCode,
    responseBody: body,
    apiError,
  });
}
