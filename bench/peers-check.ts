import { isDeepStrictEqual } from 'node:util';

/** A GraphQL endpoint the peers bench sends load to, with the headers its caller presents. */
export interface Endpoint {
  label: string;
  url: string;
  /** Fresh headers for a request (or a run): a signed principal expires. */
  headers(): Promise<Record<string, string>>;
}

/** One endpoint's answer to one request. */
export interface Answer {
  endpoint: string;
  status: number;
  body: unknown;
}

/** Characters of an answer quoted in an error: enough to see the difference or the error. */
const QUOTE_CHARS = 600;

function quote(value: unknown): string {
  return JSON.stringify(value).slice(0, QUOTE_CHARS);
}

/**
 * Throws unless every answer is a 200 with data, no errors and a found order, and all carry the
 * same data (deep equality). The bench stops on it: a gateway answering errors, or other data,
 * fast is not faster.
 */
export function assertSameAnswers(request: string, answers: readonly Answer[]): void {
  for (const answer of answers) {
    const body = answer.body as { data?: { orderByNumber?: unknown } | null; errors?: unknown } | null;
    if (answer.status !== 200 || body === null || typeof body !== 'object' || body.errors !== undefined || !body.data?.orderByNumber) {
      throw new Error(`${request}: ${answer.endpoint} did not answer with the order (HTTP ${answer.status}): ${quote(answer.body)}`);
    }
  }
  const [first, ...rest] = answers;
  for (const answer of rest) {
    const [a, b] = [(first as Answer).body as { data: unknown }, answer.body as { data: unknown }];
    if (!isDeepStrictEqual(a.data, b.data)) {
      throw new Error(`${request}: ${(first as Answer).endpoint} and ${answer.endpoint} answer different data:\n  ${quote(a.data)}\n  ${quote(b.data)}`);
    }
  }
}

/** Sends each body once to every endpoint and asserts the answers are the same data (`assertSameAnswers`). */
export async function checkSameAnswers(label: string, bodies: readonly string[], endpoints: readonly Endpoint[]): Promise<void> {
  for (const [index, body] of bodies.entries()) {
    const answers: Answer[] = [];
    for (const endpoint of endpoints) {
      const response = await fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await endpoint.headers()) }, body });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      answers.push({ endpoint: endpoint.label, status: response.status, body: parsed });
    }
    assertSameAnswers(`${label} (request ${index})`, answers);
  }
}
