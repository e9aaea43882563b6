import { defineConnector } from '../../src/connector/define.js';
import { BenefitClient } from './client.js';
import { normalizeBenefit } from './normalize.js';
import { DISBURSEMENTS_STREAM } from './records.js';
import { BenefitSpec, BenefitState } from './spec.js';

export default defineConnector({
  system: 'benefit',
  title: '惠企利民平台 资金兑付',
  spec: BenefitSpec,
  state: BenefitState,
  streams: [DISBURSEMENTS_STREAM],
  secrets: (c) => [c.auth.token],
  check: (ctx) => new BenefitClient(ctx).check(),
  read: (ctx, state, opts) => new BenefitClient(ctx).read(state, opts),
  normalize: normalizeBenefit,
});
