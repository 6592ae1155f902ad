/** Transport of a disabled client (`OPENLINEAGE_DISABLED=true`): drops every event. */
import type { Transport } from '../transport.js';

export class NoopTransport implements Transport {
  async emit(): Promise<void> {}
}
