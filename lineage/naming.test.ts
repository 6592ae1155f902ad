import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import definitions from '../assets/definitions.js';
import { InvalidDocumentError } from '../framework/errors.js';
import { assetDir } from '../engine/lake.js';
import {
  assetJobName,
  fileDatasetName,
  fileUrl,
  lakeDatasetName,
  lakeSymlink,
  localFileDatasetName,
  webApiDatasetName,
} from './naming.js';

describe('naming', () => {
  it('names a lake folder as namespace file and its absolute path, without a trailing slash', () => {
    expect(fileDatasetName('/srv/lake/marts/daily_mean/')).toEqual({ namespace: 'file', name: '/srv/lake/marts/daily_mean' });
    expect(fileDatasetName('/srv/lake/./marts//x')).toEqual({ namespace: 'file', name: '/srv/lake/marts/x' });
  });

  it('refuses a relative dataset path', () => {
    expect(() => fileDatasetName('lake/x')).toThrow(InvalidDocumentError);
  });

  it('names an asset job inside its graph job as graph.asset', () => {
    expect(assetJobName('nightly', 'daily_mean')).toBe('nightly.daily_mean');
    expect(assetJobName('nightly', 'nightscout/readings')).toBe('nightly.nightscout/readings');
    expect(() => assetJobName('', 'x')).toThrow(InvalidDocumentError);
  });

  it('gives file URLs for source code locations', () => {
    expect(fileUrl('/srv/assets/a b.sql')).toBe('file:///srv/assets/a%20b.sql');
  });
});

describe('webApiDatasetName', () => {
  it('names a web API resource by scheme, host and port, and its path', () => {
    expect(webApiDatasetName('https://alice.example.org/api/v1/entries.json')).toEqual({
      namespace: 'https://alice.example.org',
      name: '/api/v1/entries.json',
    });
    expect(webApiDatasetName('http://Nightscout.Local:1337/api/v1/entries.json?count=10')).toEqual({
      namespace: 'http://nightscout.local:1337',
      name: '/api/v1/entries.json',
    });
    expect(webApiDatasetName('https://alice.example.org:443/')).toEqual({ namespace: 'https://alice.example.org', name: '/' });
  });

  it('never carries a credential: user info, token and secret parameters are left out', () => {
    const url = 'https://ada:hunter2@alice.example.org/api/v1/entries.json?token=abc123&count=10&api_secret=s3cr3t&find[type]=sgv#x';
    const named = webApiDatasetName(url, { includeQuery: true });
    expect(named).toEqual({ namespace: 'https://alice.example.org', name: '/api/v1/entries.json?count=10&find%5Btype%5D=sgv' });
    expect(JSON.stringify(named)).not.toMatch(/ada|hunter2|abc123|s3cr3t/);
    expect(JSON.stringify(webApiDatasetName(url))).not.toMatch(/ada|hunter2|abc123|s3cr3t|\?/);
  });

  it('refuses what is no URL with a host, without echoing its query', () => {
    expect(() => webApiDatasetName('not a url')).toThrow(InvalidDocumentError);
    expect(() => webApiDatasetName('mailto:someone@example.org')).toThrow(/no host/);
    expect(() => webApiDatasetName('ftp//x?token=abc')).toThrow(/^(?!.*abc)/);
  });
});

describe('localFileDatasetName', () => {
  it('names a local file by namespace file, or file://host, and its absolute path', () => {
    expect(localFileDatasetName('/data/psg/SC4001E0-PSG.edf')).toEqual({ namespace: 'file', name: '/data/psg/SC4001E0-PSG.edf' });
    expect(localFileDatasetName('/data/x.csv', { host: 'Worker-1' })).toEqual({ namespace: 'file://worker-1', name: '/data/x.csv' });
    expect(localFileDatasetName('file:///data/a%20b.csv')).toEqual({ namespace: 'file', name: '/data/a b.csv' });
    expect(localFileDatasetName(new URL('file://lab-nas/data/x.csv'))).toEqual({ namespace: 'file://lab-nas', name: '/data/x.csv' });
    expect(() => localFileDatasetName('data/x.csv')).toThrow(InvalidDocumentError);
  });
});

describe('lakeDatasetName', () => {
  const home = '/home/ada/projects/health/.assay';

  it('names an asset by its layer folder (namespace) and its key (name), which together give its folder', () => {
    const named = lakeDatasetName({ home, layer: 'marts', key: 'mart_glucose_overview' });
    expect(named).toEqual({ namespace: 'file:///home/ada/projects/health/.assay/lake/marts', name: 'mart_glucose_overview' });
    expect(fileURLToPath(`${named.namespace}/${named.name}`)).toBe(assetDir(home, { layer: 'marts', key: 'mart_glucose_overview' }));
    expect(lakeDatasetName({ home, layer: 'raw', key: 'nightscout/entries', host: 'Lab-1' })).toEqual({
      namespace: 'file://lab-1/home/ada/projects/health/.assay/lake/raw',
      name: 'nightscout/entries',
    });
    expect(lakeSymlink({ home, layer: 'raw', key: 'nightscout/entries' })).toEqual({
      namespace: 'file',
      name: '/home/ada/projects/health/.assay/lake/raw/nightscout/entries',
      type: 'LOCATION',
    });
  });

  it('encodes a home folder with spaces as a URI', () => {
    expect(lakeDatasetName({ home: '/home/ada/My Lake', layer: 'raw', key: 'x' }).namespace).toBe('file:///home/ada/My%20Lake/lake/raw');
  });

  it('refuses a relative home, a layer path, or a key that climbs out of the lake', () => {
    expect(() => lakeDatasetName({ home: '.assay', layer: 'raw', key: 'x' })).toThrow(InvalidDocumentError);
    expect(() => lakeDatasetName({ home, layer: 'raw/x', key: 'x' })).toThrow(InvalidDocumentError);
    expect(() => lakeDatasetName({ home, layer: 'raw', key: '../x' })).toThrow(InvalidDocumentError);
  });

  it("keeps the sample project's datasets apart in Marquez's 20-character labels, which absolute paths do not", () => {
    const label = (name: string) => name.slice(0, 20);
    const lake = definitions.assets.map((a) => lakeDatasetName({ home, layer: a.layer, key: a.key }).name);
    expect(new Set(lake.map(label)).size).toBe(definitions.assets.length);
    const paths = definitions.assets.map((a) => fileDatasetName(assetDir(home, a)).name);
    expect(new Set(paths.map(label)).size).toBe(1);
  });
});
