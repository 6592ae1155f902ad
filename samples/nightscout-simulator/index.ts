/** Nightscout simulator: a seeded, Nightscout-compatible API v1 server for development and tests. */
export { startSimulator } from './server.js';
export type { NightscoutSimulator, SimulatorFaults, SimulatorOptions, SimulatorRequest } from './server.js';
export { DEFAULT_END, generateEntries, subjectProfile } from './generate.js';
export type { GenerateOptions, SimulatedEntry, SubjectProfile } from './generate.js';
export { loadEntriesFile } from './entries-file.js';
export type { ServedEntry } from './entries-file.js';
