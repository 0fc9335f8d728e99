/**
 * The pack's definition, apart from its construction: `index.ts` serves it to the Pulumi CLI and to the offline
 * engine's analyzer; the rule tests call the same rule objects. Importing this module starts nothing.
 */
import type { PolicyPackArgs } from "@pulumi/policy";
import { rules } from "./rules";

/** The pack's name, as `pulumi preview --policy-pack policies` reports it. */
export const PACK_NAME = "api-environments-policies";

/** Arguments of the pack. Advisory unless the stack's enforcement file (`policies/<stack>.json`) says otherwise. */
export const packArgs: PolicyPackArgs = {
    description: "Production guardrails for the API's environments: app settings, secrets, HTTPS, availability, data, supply chain, GitHub and Sentry.",
    enforcementLevel: "advisory",
    policies: rules,
};
