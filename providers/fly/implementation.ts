/**
 * The entry of the package `@api-environments/fly-provider` (providers/fly/package.json): every kind's provider
 * object, as the thin `__provider` text of each resource loads it (registration.ts). scripts/build-fly-provider.mjs
 * bundles it to plain JavaScript (dist/index.js) at install time, because the dynamic-provider plugin runs plain node.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as kinds from "./kinds";
import { upgradesProviderText } from "./providerUpgrade";
import type { FlyKind } from "./registration";

/** The provider of each kind, by the name in its type token. */
export const flyProviders = Object.fromEntries(
    Object.entries(kinds).map(([kind, provider]) => [kind, upgradesProviderText(kind, provider as pulumi.dynamic.ResourceProvider)]),
) as Record<FlyKind, pulumi.dynamic.ResourceProvider>;
