import { fileURLToPath } from 'node:url';

/** Path of a file in test/fixtures/edf/. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/edf/${name}`, import.meta.url));
