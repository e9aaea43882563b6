import type { RequestListener } from 'node:http';
import type { SystemId } from '../model/systems.js';
import type { FaultInjector } from './faults.js';

/**
 * A simulator of one source system: a plain Node request listener that serves the system's
 * protocol to the letter of its document, over data it holds in memory. The sandbox (index.ts)
 * gives each one its own HTTP server on 127.0.0.1.
 */
export interface Simulator<D, W = unknown> {
  system: SystemId;
  listener: RequestListener;
  faults: FaultInjector;
  /** Applies a wave of source changes (new versions, new events). */
  apply(wave: W): void;
  /** The data currently served (for assertions). */
  readonly data: D;
}

export interface SimulatorOptions<D> {
  data: D;
  faults?: FaultInjector;
  /** Clock in epoch ms (signature windows, token expiry); defaults to Date.now. */
  now?: () => number;
}
