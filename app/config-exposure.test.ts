import { exposureOf, loadConfig } from './config';

describe('exposure settings (what errors and the schema show to clients)', () => {
  it('masks errors and keeps introspection to staff when nothing is set, whatever NODE_ENV says', () => {
    for (const env of [{}, { NODE_ENV: 'development' }, { NODE_ENV: 'production' }]) {
      expect(exposureOf(loadConfig(env))).toEqual({ errorDetails: false, introspection: 'staff' });
    }
  });

  it('shows error details only with DEV_ERROR_DETAILS=true, and takes the introspection setting', () => {
    expect(exposureOf(loadConfig({ DEV_ERROR_DETAILS: 'true', INTROSPECTION: 'all' }))).toEqual({ errorDetails: true, introspection: 'all' });
    expect(exposureOf(loadConfig({ DEV_ERROR_DETAILS: 'false', INTROSPECTION: 'off' }))).toEqual({ errorDetails: false, introspection: 'off' });
  });

  it('stops start-up naming the variable when a value is not one it knows', () => {
    expect(() => loadConfig({ DEV_ERROR_DETAILS: 'yes' })).toThrow(/DEV_ERROR_DETAILS: .*\(got "yes"\)/);
    expect(() => loadConfig({ INTROSPECTION: 'everyone' })).toThrow(/INTROSPECTION: .*\(got "everyone"\)/);
  });
});
