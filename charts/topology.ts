/**
 * Who talks to whom, from the units' configuration (charts/service-env.ts):
 * a unit may reach another only if its config names that unit. The
 * NetworkPolicies of every chart are built from this one map.
 */
import type { Environment } from './environment';
import { deployedUnits, unitEnv, type Dependency } from './service-env';
import type { AppUnitName } from './units';

export interface Topology {
  /** What each deployed unit connects to. */
  dependsOn: Map<AppUnitName, Set<Dependency>>;
}

export function topology(env: Environment): Topology {
  const dependsOn = new Map<AppUnitName, Set<Dependency>>();
  for (const unit of deployedUnits(env)) dependsOn.set(unit.name, unitEnv(unit, env).dependsOn);
  return { dependsOn };
}

/** The units whose config names `target`, sorted (deterministic manifests). */
export function clientsOf(t: Topology, target: Dependency): AppUnitName[] {
  return [...t.dependsOn.entries()].filter(([, deps]) => deps.has(target)).map(([name]) => name).sort();
}
