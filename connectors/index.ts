import type { AnyConnector } from '../src/connector/define.js';
import type { SystemId } from '../src/model/systems.js';
import asset from './asset/index.js';
import benefit from './benefit/index.js';
import budget from './budget/index.js';
import oa from './oa/index.js';
import smartcity from './smartcity/index.js';
import trading from './trading/index.js';

/** The registered connectors, explicitly (no globbing, no import side effects). */
export const CONNECTORS = { budget, oa, asset, benefit, smartcity, trading } satisfies Record<
  SystemId,
  AnyConnector
>;

export function connectorFor(system: SystemId): AnyConnector {
  return CONNECTORS[system];
}
