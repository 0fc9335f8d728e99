/**
 * MachineGroup (`pulumi-nodejs:dynamic/fly:MachineGroup`): N machines per region of one Fly app running one config,
 * updated in place through a rolling, blue-green or immediate rollout that rolls back when the new machines fail their
 * checks. Only a new `app` replaces the group.
 */
import type * as pulumi from "@pulumi/pulumi";
import { check, create, diff, read, remove, update } from "./machineGroupOps";
import type { MachineGroupInputs, MachineGroupState } from "./machineGroupTypes";

/**
 * The provider (the plugin loads it from the built package: registration.ts). The Fly client reads `FLY_API_TOKEN` /
 * `FLY_API_HOSTNAME` at call time, so no credential or host is captured, and none is stored in state.
 */
export const machineGroupProvider: pulumi.dynamic.ResourceProvider<MachineGroupInputs, MachineGroupState> = {
    async check(_olds, news) {
        return check(news);
    },
    async diff(_id, olds, news) {
        return diff(olds, news);
    },
    async create(inputs) {
        return create(inputs);
    },
    async read(id, props) {
        return read(id, props);
    },
    async update(_id, olds, news) {
        return update(olds, news);
    },
    async delete(id, props) {
        return remove(id, props);
    },
};
