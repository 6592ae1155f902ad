/** Console transport: prints each event as one line of JSON, like the Python client's `console`. */
import type { LineageEvent } from '../model.js';
import type { Transport } from '../transport.js';

export interface ConsoleTransportOptions {
  /** Where lines go. Default: standard output. */
  write?: (line: string) => void;
}

export class ConsoleTransport implements Transport {
  private readonly write: (line: string) => void;

  constructor(options: ConsoleTransportOptions = {}) {
    this.write = options.write ?? ((line) => void process.stdout.write(line));
  }

  async emit(event: LineageEvent): Promise<void> {
    this.write(`${JSON.stringify(event)}\n`);
  }
}
