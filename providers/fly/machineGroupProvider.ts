/**
 * MachineGroup (`pulumi-nodejs:dynamic/fly:MachineGroup`): N machines per region of one Fly app running one config,
 * updated in place through a rolling, blue-green or immediate rollout that rolls back when the new machines fail their
 * checks. Only a new `app` replaces the group.
 */
import { kindProvider } from "./kindProvider";
import { check, create, diff, read, remove, update } from "./machineGroupOps";

/**
 * The provider (the plugin loads it from the built package: registration.ts). The Fly client reads `FLY_API_TOKEN` /
 * `FLY_API_HOSTNAME` at call time, so no credential or host is captured, and none is stored in state.
 */
export const machineGroupProvider = kindProvider({ check: (_olds, news) => check(news), diff, create, read, update: (_id, olds, news) => update(olds, news), delete: remove });
