import { databaseSettingsFromEnv, databaseUrlFromEnv } from './database.config';

describe('databaseUrlFromEnv', () => {
  it('takes DATABASE_URL as is when no separate credentials are set', () => {
    const url = 'postgres://app:s3cret@db:5432/datarights';
    expect(databaseUrlFromEnv({ DATABASE_URL: url })).toBe(url);
  });

  it('puts DATABASE_USER and DATABASE_PASSWORD in the URL, any character of the password encoded', () => {
    const url = databaseUrlFromEnv({
      DATABASE_URL: 'postgres://datarights-postgres-rw.datarights.svc:5432/datarights',
      DATABASE_USER: 'request_intake',
      DATABASE_PASSWORD: 'p@ss:w/rd?#%',
    });
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.username)).toBe('request_intake');
    expect(decodeURIComponent(parsed.password)).toBe('p@ss:w/rd?#%');
    expect(parsed.host).toBe('datarights-postgres-rw.datarights.svc:5432');
    expect(parsed.pathname).toBe('/datarights');
  });

  it('replaces credentials already in the URL', () => {
    const url = new URL(
      databaseUrlFromEnv({ DATABASE_URL: 'postgres://old:old@db/datarights', DATABASE_PASSWORD: 'new' }),
    );
    expect([url.username, url.password]).toEqual(['old', 'new']);
  });

  it('refuses a URL that is not postgres://', () => {
    expect(() => databaseSettingsFromEnv({ DATABASE_URL: 'mysql://db/x' })).toThrow(/postgres:\/\//);
  });
});
