/**
 * What the generator knows about a world beyond its JSON: the plans and, per data item, the
 * projectKey index it must end linked to. Kept beside the World object (not in it) so the
 * World stays exactly the fixed contract of types.ts.
 */
import type { ProjectPlan } from './plan.js';
import type { Owners } from './sink.js';
import type { Wave, World } from './types.js';

export interface Truth {
  plans: ProjectPlan[];
  owners: Owners;
  /** Options that regenerate the world. */
  options: { seed: number; projects: number; now: number };
}

const worlds = new WeakMap<World, Truth>();
const waves = new WeakMap<Wave, Owners>();

export function remember(world: World, truth: Truth): void {
  worlds.set(world, truth);
}
export function truthOf(world: World): Truth | undefined {
  return worlds.get(world);
}
export function rememberWave(wave: Wave, owners: Owners): void {
  waves.set(wave, owners);
}
export function waveOwners(wave: Wave): Owners | undefined {
  return waves.get(wave);
}
