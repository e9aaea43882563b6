import { defineConnector } from '../../src/connector/define.js';
import { BudgetClient } from './client.js';
import { normalizeBudget } from './normalize.js';
import { BUDGET_SERVICES } from './records.js';
import { BudgetSpec } from './spec.js';
import { BudgetState } from './state.js';

export { BudgetClient } from './client.js';
export { normalizeBudget } from './normalize.js';
export { BUDGET_SERVICES, type BudgetService } from './records.js';
export { BudgetSpec, type BudgetConfig } from './spec.js';
export { BudgetState, type ServiceState } from './state.js';

export default defineConnector({
  system: 'budget',
  title: '预算管理一体化平台',
  spec: BudgetSpec,
  state: BudgetState,
  streams: BUDGET_SERVICES,
  secrets: (c) => [c.auth.Token],
  check: (ctx) => new BudgetClient(ctx).check(),
  read: (ctx, state, opts) => new BudgetClient(ctx).read(state, opts),
  normalize: normalizeBudget,
});
