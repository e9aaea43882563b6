import { defineConnector } from '../../src/connector/define.js';
import { ASSET_STREAM, AssetClient } from './client.js';
import { normalizeAsset } from './normalize.js';
import { AssetSpec, AssetState } from './spec.js';

export default defineConnector({
  system: 'asset',
  title: '国有资产运营平台',
  spec: AssetSpec,
  state: AssetState,
  streams: [ASSET_STREAM],
  // The AppKey travels in a header by design; only the secret must never be shown.
  secrets: (c) => [c.auth.AppSecret],
  check: (ctx) => new AssetClient(ctx).check(),
  read: (ctx, state, opts) => new AssetClient(ctx).read(state, opts),
  normalize: normalizeAsset,
});
