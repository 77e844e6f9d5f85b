import { bearerToken } from './bearer';

describe('bearerToken', () => {
  it('takes the token of a Bearer credential', () => {
    expect(bearerToken('Bearer eyJhbGciOi.eyJzdWIi.c2ln')).toBe('eyJhbGciOi.eyJzdWIi.c2ln');
  });

  it.each(['bearer abc', 'BEARER abc', 'BeArEr abc'])('matches the scheme whatever its case: %s', (header) => {
    expect(bearerToken(header)).toBe('abc');
  });

  it.each(['Bearer   abc', 'Bearer\tabc', 'Bearer abc  ', '  Bearer abc'])('accepts extra whitespace around the scheme and token: %j', (header) => {
    expect(bearerToken(header)).toBe('abc');
  });

  it.each(['', 'Bearer', 'Bearer ', 'Bearer    '])('finds no token when it is missing: %j', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });

  it.each(['Basic dXNlcjpwYXNz', 'Token abc', 'abc', 'Bearerabc', 'xBearer abc'])('refuses other schemes and bare tokens: %j', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });

  it('refuses a token with a space in it instead of cutting it', () => {
    expect(bearerToken('Bearer abc def')).toBeUndefined();
  });

  it.each([undefined, null, 42, ['Bearer abc'], { token: 'abc' }])('finds no token in a value that is not a string: %j', (value) => {
    expect(bearerToken(value)).toBeUndefined();
  });
});
