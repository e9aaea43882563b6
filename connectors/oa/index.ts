import { defineConnector } from '../../src/connector/define.js';
import { OaClient } from './client.js';
import { normalizeOa } from './normalize.js';
import { DOCUMENTS_STREAM } from './records.js';
import { OaSpec, OaState } from './spec.js';

export default defineConnector({
  system: 'oa',
  title: '云OA 公文',
  spec: OaSpec,
  state: OaState,
  streams: [DOCUMENTS_STREAM],
  secrets: (c) => [c.auth.client_secret],
  check: (ctx) => new OaClient(ctx).check(),
  read: (ctx, state, opts) => new OaClient(ctx).read(state, opts),
  normalize: normalizeOa,
});
