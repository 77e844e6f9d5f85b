import { Writable } from 'node:stream';
import { ApolloServer, HeaderMap } from '@apollo/server';
import pino from 'pino';
import { unauthenticated } from '../../platform/graphql/errors';
import { useRequestLogging } from './request-logging';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level }, stream) };
}

const typeDefs = 'type Query { hello: String, boom: String }';
const resolvers = {
  Query: {
    hello: () => 'hi',
    boom: () => {
      throw unauthenticated();
    },
  },
};

describe('useRequestLogging', () => {
  /** Runs one clean and one failing operation through a server logging to `log`. */
  async function runBoth(log: ReturnType<typeof capture>['log']) {
    const server = new ApolloServer({ typeDefs, resolvers, plugins: [useRequestLogging(log)] });
    await server.start();
    try {
      await server.executeOperation({ query: 'query Greeting { hello }' });
      await server.executeOperation({ query: 'query Failing { boom }' });
    } finally {
      await server.stop();
    }
  }

  it('writes one line per operation with its name, duration and error codes at debug', async () => {
    const { lines, log } = capture('debug');
    await runBoth(log);
    const operations = lines.filter((line) => line.msg === 'operation');
    expect(operations).toHaveLength(2);
    expect(operations[0]).toMatchObject({ level: 20, operationName: 'Greeting', errorCodes: [] });
    expect(operations[1]).toMatchObject({ level: 30, operationName: 'Failing', errorCodes: ['UNAUTHENTICATED'] });
    expect(typeof operations[0]?.durationMs).toBe('number');
  });

  it('writes only failed operations at info, the default level: a clean success costs no line', async () => {
    const { lines, log } = capture('info');
    await runBoth(log);
    const operations = lines.filter((line) => line.msg === 'operation');
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ level: 30, operationName: 'Failing', errorCodes: ['UNAUTHENTICATED'] });
    expect(typeof operations[0]?.durationMs).toBe('number');
  });

  it('writes a line for a request refused while its context is built', async () => {
    const { lines, log } = capture();
    const server = new ApolloServer({ typeDefs, resolvers, plugins: [useRequestLogging(log)] });
    await server.start();
    try {
      const response = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query: '{ hello }' } },
        context: async () => {
          throw unauthenticated();
        },
      });
      expect(response.status).toBe(401);
    } finally {
      await server.stop();
    }
    expect(lines.find((line) => line.msg === 'operation refused')).toMatchObject({ errorCodes: ['UNAUTHENTICATED'] });
  });
});
