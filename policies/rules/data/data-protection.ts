/**
 * Rule 8: databases and volumes are `protect`ed and backed up.
 *
 * `protect` is a resource option the policy runtime reports, so it is known during preview. `retainOnDelete` is
 * not in the analyzer protocol of @pulumi/policy 1.21, so no rule can see it: the program enforces it instead
 * (components/dataSafety.ts, and the config refuses protected data that is not retained; see policies/README.md).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../../lib/known";
import { configSet, plainProps, UNPROVEN } from "../../lib/rule";
import { DATA_TYPES, FLY } from "../../lib/types";

export const dataProtection: ResourceValidationPolicy = {
    name: "data-protection",
    description: "Database and volume resources must be protected and have backups on.",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        if (!DATA_TYPES.has(args.type)) return;
        if (args.opts.protect !== true) {
            reportViolation(`This data resource is not protected, so \`pulumi destroy\` or a refactor would delete it and its data. Fix: ${configSet("database.protect", "true")}`);
        }
        const props = plainProps(args.props);
        const backupsFix = configSet("database.backups", "true");
        for (const key of args.type === FLY.volume ? ["autoBackupEnabled"] : ["backups", "backupsEnabled", "autoBackupEnabled"]) {
            const value = props[key];
            if (isUnknown(value)) reportViolation(`${key} ${UNPROVEN}: derive it from config (database.backups).`);
            else if (value === false) reportViolation(`${key} is false, so there is no backup to restore from. Fix: ${backupsFix}`);
        }
        if (args.type === FLY.volume) {
            const retention = props.snapshotRetention;
            if (isUnknown(retention)) reportViolation(`snapshotRetention ${UNPROVEN}.`);
            else if (typeof retention === "number" && retention < 1) reportViolation(`snapshotRetention is ${retention} days, so snapshots are not kept. Keep at least 1 day.`);
        }
    },
};
