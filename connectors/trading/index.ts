import { defineConnector } from '../../src/connector/define.js';
import { TradingClient } from './client.js';
import { normalizeTrading } from './normalize.js';
import { TRADING_STREAMS, TradingSpec, TradingState } from './spec.js';

export default defineConnector({
  system: 'trading',
  title: '公共资源交易中心',
  spec: TradingSpec,
  state: TradingState,
  streams: TRADING_STREAMS,
  // The key rides in the query string, so any logged URL would carry it: redact it in the form
  // it is sent (percent-encoded) as well as in plain text.
  secrets: (c) => [...new Set([c.auth.accessKey, encodeURIComponent(c.auth.accessKey)])],
  check: (ctx) => new TradingClient(ctx).check(),
  read: (ctx, state, opts) => new TradingClient(ctx).read(state, opts),
  normalize: normalizeTrading,
});
