import { defineConnector } from '../../src/connector/define.js';
import { SmartcityClient, STREAM } from './client.js';
import { normalizeSmartcity } from './normalize.js';
import { SmartcitySpec, SmartcityState } from './spec.js';

/**
 * 智慧城市平台 — construction-site monitoring events (smartcity.md). This definition is the pull
 * side; the push side's verification lives in ./push.ts for the inbound endpoint.
 */
export default defineConnector({
  system: 'smartcity',
  title: '智慧城市平台 工地监测',
  spec: SmartcitySpec,
  state: SmartcityState,
  streams: [STREAM],
  secrets: (c) => [c.auth.apiKey, c.auth.pushSecret],
  check: (ctx) => new SmartcityClient(ctx).check(),
  read: (ctx, state, opts) => new SmartcityClient(ctx).read(state, opts),
  normalize: normalizeSmartcity,
});
