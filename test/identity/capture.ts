import type { Logger } from 'pino';
import { connectorFor } from '../../connectors/index.js';
import { parseConfig } from '../../src/config/load.js';
import type { CommonConnectorConfig } from '../../src/connector/spec.js';
import { createHttpClient } from '../../src/http/client.js';
import { SYSTEMS, type SystemId } from '../../src/model/systems.js';
import { sandboxConnectors } from '../../src/sandbox/index.js';
import type { NormalizeJob } from '../../src/queues.js';

/** One page exactly as a connector read it: what the ingest stage would enqueue for normalize. */
export interface CapturedPage {
  system: SystemId;
  stream: string;
  position: Record<string, string | number | null>;
  raws: unknown[];
}

/**
 * Reads every page the six connectors read from a running sandbox (a full read, as a first sync
 * does), through the real connectors and HTTP layer, without a hub: the same raw input can then
 * be delivered to many ledgers in many orders.
 */
export async function capturePages(urls: Record<SystemId, string>, log: Logger): Promise<CapturedPage[]> {
  const cfg = parseConfig({ connectors: sandboxConnectors(urls) }, {});
  const pages: CapturedPage[] = [];
  for (const system of SYSTEMS) {
    const def = connectorFor(system);
    const config = cfg.connectors[system] as CommonConnectorConfig;
    const http = createHttpClient({
      system,
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      rateLimit: config.rateLimit,
      maxResponseBytes: config.maxResponseBytes,
      retry: config.retry,
      log,
      secrets: def.secrets(config),
    });
    for await (const page of def.read({ config, http, log }, undefined, { full: true }))
      pages.push({ system, stream: page.stream, position: page.position, raws: page.records });
  }
  return pages;
}

/** A normalize job carrying `raws` of one page (a sub-batch, a shuffled mix or a re-delivery). */
export function normalizeJob(page: CapturedPage, raws: unknown[]): NormalizeJob {
  return {
    system: page.system,
    stream: page.stream,
    position: page.position,
    raws,
    runId: null,
    receivedAt: new Date().toISOString(),
  };
}
