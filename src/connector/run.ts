import type { Logger } from 'pino';
import { connectorFor } from '../../connectors/index.js';
import type { HubConfig } from '../config/schema.js';
import { createHttpClient } from '../http/client.js';
import type { SystemId } from '../model/systems.js';
import type { CheckResult, ConnectorContext } from './define.js';
import type { CommonConnectorConfig } from './spec.js';

/** The context a connector runs in, built from its configuration (one HTTP client per run). */
export function connectorContext(
  system: SystemId,
  cfg: HubConfig,
  log: Logger,
): ConnectorContext<CommonConnectorConfig> {
  const def = connectorFor(system);
  const config = cfg.connectors[system] as CommonConnectorConfig | undefined;
  if (!config) throw new Error(`connector ${system} is not configured`);
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
  return { config, http, log };
}

/** Runs a connector's `check()`, bounded by its timeout even if the check itself is not. */
export async function checkConnector(system: SystemId, cfg: HubConfig, log: Logger): Promise<CheckResult> {
  let ctx: ConnectorContext<CommonConnectorConfig>;
  try {
    ctx = connectorContext(system, cfg, log);
  } catch (e) {
    return { ok: false, failure: 'other', detail: (e as Error).message };
  }
  const deadline = ctx.config.timeoutMs * 2;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((res) => {
    timer = setTimeout(
      () => res({ ok: false, failure: 'connection', detail: `no answer within ${deadline} ms` }),
      deadline,
    );
  });
  try {
    return await Promise.race([connectorFor(system).check(ctx), timeout]);
  } catch (e) {
    return { ok: false, failure: 'other', detail: ctx.http.redact((e as Error).message) };
  } finally {
    clearTimeout(timer);
  }
}
