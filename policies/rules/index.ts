/** Every rule of the pack, in the order they were added. */
import type { Policies } from "@pulumi/policy";
import { noDebugInProduction } from "./app/no-debug-in-production";
import { productionLogLevel } from "./app/production-log-level";
import { strictCorsAndHosts } from "./app/strict-cors-and-hosts";
import { budget } from "./cost/budget";
import { highAvailability } from "./availability/high-availability";
import { proxyConcurrencyLimits } from "./availability/proxy-concurrency-limits";
import { safeRollout } from "./availability/safe-rollout";
import { dataProtection } from "./data/data-protection";
import { noSqliteInProduction } from "./data/no-sqlite-in-production";
import { postgresOnlyDatabase } from "./data/postgres-only-database";
import { releaseStepPresent } from "./data/release-step-present";
import { safeReleaseCommand } from "./data/safe-release-command";
import { protectedDeployBranch } from "./github/protected-deploy-branch";
import { protectedDeployEnvironment } from "./github/protected-deploy-environment";
import { healthCheckRequired } from "./network/health-check-required";
import { httpsOnly } from "./network/https-only";
import { productionHostsOnly } from "./network/production-hosts-only";
import { sentryInProduction } from "./observability/sentry-in-production";
import { noSecretInPlainEnv } from "./secrets/no-secret-in-plain-env";
import { strongJwtSecret } from "./secrets/strong-jwt-secret";
import { tokenLifetimes } from "./secrets/token-lifetimes";
import { productionIdentity } from "./stack/production-identity";
import { productionIsolation } from "./stack/production-isolation";
import { productionStackComplete } from "./stack/production-stack-complete";
import { promotionSoak } from "./release/promotion-soak";
import { promotionSoakOverride } from "./release/promotion-soak-override";
import { reviewIsolation } from "./stack/review-isolation";
import { imagePinnedByDigest } from "./supply-chain/image-pinned-by-digest";

export const rules: Policies = [
    noDebugInProduction,
    strongJwtSecret,
    strictCorsAndHosts,
    productionLogLevel,
    httpsOnly,
    healthCheckRequired,
    highAvailability,
    dataProtection,
    noSqliteInProduction,
    noSecretInPlainEnv,
    imagePinnedByDigest,
    protectedDeployEnvironment,
    protectedDeployBranch,
    sentryInProduction,
    productionStackComplete,
    safeRollout,
    proxyConcurrencyLimits,
    productionHostsOnly,
    postgresOnlyDatabase,
    productionIdentity,
    releaseStepPresent,
    productionIsolation,
    tokenLifetimes,
    safeReleaseCommand,
    budget,
    reviewIsolation,
    promotionSoak,
    promotionSoakOverride,
];
