import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../framework/errors.js';
import { parseSince, parseSites, sitesFromEnv, subjectIdFromUrl } from './sites.js';
import { thrown } from './errors.test-helpers.js';

describe('subjectIdFromUrl', () => {
  it('derives ids from path, hosting domain or host', () => {
    expect(subjectIdFromUrl('http://127.0.0.1:8080/sim-01')).toBe('sim-01');
    expect(subjectIdFromUrl('https://alice-ns.herokuapp.com')).toBe('alice-ns');
    expect(subjectIdFromUrl('https://bob.ns.10be.de')).toBe('bob');
    expect(subjectIdFromUrl('https://ns.example.org')).toBe('ns.example.org');
    expect(subjectIdFromUrl('http://192.168.1.5:1337')).toBe('192.168.1.5-1337');
  });
});

describe('sitesFromEnv', () => {
  it('returns no sites without NIGHTSCOUT_URL', () => {
    expect(sitesFromEnv({})).toEqual([]);
    expect(sitesFromEnv({ NIGHTSCOUT_URL: '  ' })).toEqual([]);
  });

  it('reads one site with secret and since', () => {
    expect(
      sitesFromEnv({
        NIGHTSCOUT_URL: 'https://alice.herokuapp.com/',
        NIGHTSCOUT_API_SECRET: 'a-long-api-secret',
        NIGHTSCOUT_SINCE: '2024-01-01',
      }),
    ).toEqual([
      { subjectId: 'alice', baseUrl: 'https://alice.herokuapp.com', apiSecret: 'a-long-api-secret', since: Date.UTC(2024, 0, 1) },
    ]);
  });

  it('reads lists with subject=url pairs, per-subject and per-URL credentials', () => {
    const sites = sitesFromEnv({
      NIGHTSCOUT_URL: 'alice=https://a.example.org, https://bob.fly.dev/api/v1/ \n carol=https://c.example.org/?token=readable-cccc',
      NIGHTSCOUT_TOKEN: 'readable-shared',
      NIGHTSCOUT_TOKEN_BOB: 'readable-bbbb',
      NIGHTSCOUT_SINCE: '1704067200000',
    });
    expect(sites).toEqual([
      { subjectId: 'alice', baseUrl: 'https://a.example.org', token: 'readable-shared', since: 1704067200000 },
      { subjectId: 'bob', baseUrl: 'https://bob.fly.dev', token: 'readable-bbbb', since: 1704067200000 },
      { subjectId: 'carol', baseUrl: 'https://c.example.org', token: 'readable-cccc', since: 1704067200000 },
    ]);
  });

  it('lifts an API secret out of the user info', () => {
    expect(sitesFromEnv({ NIGHTSCOUT_URL: 'https://my-secret-123@x.herokuapp.com' })).toEqual([
      { subjectId: 'x', baseUrl: 'https://x.herokuapp.com', apiSecret: 'my-secret-123' },
    ]);
  });

  it('rejects bad URLs, duplicate subjects and bad since values', () => {
    expect(thrown(() => sitesFromEnv({ NIGHTSCOUT_URL: 'not a url' }))).toBeInstanceOf(InvalidDocumentError);
    expect(thrown(() => sitesFromEnv({ NIGHTSCOUT_URL: 'ftp://x.org' })).message).toContain('not supported');
    expect(thrown(() => sitesFromEnv({ NIGHTSCOUT_URL: 'https://a.herokuapp.com,https://a.fly.dev' })).message).toContain(
      'both map to subject "a"',
    );
    expect(thrown(() => sitesFromEnv({ NIGHTSCOUT_URL: 'https://a.org', NIGHTSCOUT_SINCE: 'yesterday' })).message).toContain(
      'NIGHTSCOUT_SINCE',
    );
    expect(thrown(() => sitesFromEnv({ NIGHTSCOUT_URL: 'https://a.org', NIGHTSCOUT_SINCE: '1704067200' })).message).toContain(
      'epoch seconds',
    );
  });
});

describe('parseSince', () => {
  it('accepts ISO dates, date-times and epoch ms', () => {
    expect(parseSince('2024-03-01T06:00:00Z', 'x')).toBe(Date.UTC(2024, 2, 1, 6));
    expect(parseSince('2024-03-01T06:00:00+01:00', 'x')).toBe(Date.UTC(2024, 2, 1, 5));
    expect(parseSince('2024-03-01 06:30', 'x')).toBe(Date.UTC(2024, 2, 1, 6, 30));
    expect(parseSince(1704067200000, 'x')).toBe(1704067200000);
    expect(parseSince(0, 'x')).toBe(0);
  });
});

describe('parseSites', () => {
  it('validates and resolves a sites document', () => {
    const sites = parseSites(
      [
        { subjectId: 'alice', baseUrl: 'https://alice.herokuapp.com/', apiSecretEnv: 'ALICE_SECRET', since: '2024-01-01' },
        { subjectId: 'bob', baseUrl: 'https://bob.example.org', token: 'readable-0123', since: 1704067200000 },
      ],
      'sites.yaml',
      { ALICE_SECRET: 'alice-api-secret' },
    );
    expect(sites).toEqual([
      { subjectId: 'alice', baseUrl: 'https://alice.herokuapp.com', apiSecret: 'alice-api-secret', since: Date.UTC(2024, 0, 1) },
      { subjectId: 'bob', baseUrl: 'https://bob.example.org', token: 'readable-0123', since: 1704067200000 },
    ]);
  });

  it('errors with the file and the JSON pointer', () => {
    const cases: Array<[unknown, string]> = [
      [{ sites: [] }, 'sites.json: /: must be array'],
      [[{ subjectId: 'a' }], 'sites.json: /0: missing required property "baseUrl"'],
      [[{ subjectId: 'a', baseUrl: 'https://a.org', colour: 'red' }], 'sites.json: /0/colour: unknown property "colour"'],
      [[{ subjectId: 'a', baseUrl: 'https://a.org' }, { subjectId: 'b', baseUrl: 'mailto:x' }], 'sites.json: /1/baseUrl: "mailto:x" does not match'],
      [[{ subjectId: 'a', baseUrl: 'https://a.org', apiSecret: 'short' }], 'sites.json: /0/apiSecret: must NOT have fewer than 12 characters'],
      [[{ subjectId: 'a', baseUrl: 'https://a.org' }, { subjectId: 'a', baseUrl: 'https://b.org' }], 'sites.json: /1/subjectId: subject "a" is already used by /0'],
      [[{ subjectId: 'a', baseUrl: 'https://a.org', since: 'soon' }], 'sites.json: /0/since: "soon" is neither'],
      [[{ subjectId: 'a', baseUrl: 'https://a.org', tokenEnv: 'MISSING_VAR' }], 'sites.json: /0/tokenEnv: environment variable MISSING_VAR is not set'],
    ];
    for (const [doc, message] of cases) {
      const error = thrown(() => parseSites(doc, 'sites.json', {}));
      expect(error).toBeInstanceOf(InvalidDocumentError);
      expect(error.message).toContain(message);
    }
  });
});
