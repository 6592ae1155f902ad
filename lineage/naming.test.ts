import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../framework/errors.js';
import { assetJobName, fileDatasetName, fileUrl } from './naming.js';

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
