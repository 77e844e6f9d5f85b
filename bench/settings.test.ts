import { MAX_PEERS_DURATION_S, parseBenchArgs } from './settings';

describe('parseBenchArgs: the peers bench options', () => {
  it('defaults to 10 s runs of the sources under tsx', () => {
    expect(parseBenchArgs(['peers']).settings).toMatchObject({ durationSeconds: 10, compiled: false });
  });

  it('takes --duration and --compiled', () => {
    expect(parseBenchArgs(['peers', '--duration', '3', '--compiled']).settings).toMatchObject({ durationSeconds: 3, compiled: true });
  });

  it.each(['0', String(MAX_PEERS_DURATION_S + 1), '2.5', 'ten'])('refuses --duration %s, naming the option', (value) => {
    expect(() => parseBenchArgs(['peers', '--duration', value])).toThrow(/^--duration must be/);
  });
});
