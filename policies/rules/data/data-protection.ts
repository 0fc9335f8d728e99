/**
 * Rule 8: databases and volumes are `protect`ed, retained on delete, and backed up.
 *
 * `protect` is a resource option the policy runtime reports, so it is known during preview. `retainOnDelete` is
 * not in the analyzer protocol of @pulumi/policy 1.21: it is judged when the runtime reports it (the offline gate
 * does) and otherwise `protect` stands for it, since the engine refuses to delete a protected resource at all.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../../lib/known";
import { configSet, plainProps, UNPROVEN } from "../../lib/rule";
import { DATA_TYPES, FLY } from "../../lib/types";

export const dataProtection: ResourceValidationPolicy = {
    name: "data-protection",
    description: "Database and volume resources must be protected, retained on delete, and have backups on.",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        if (!DATA_TYPES.has(args.type)) return;
        const opts = args.opts as typeof args.opts & { retainOnDelete?: boolean };
        if (opts.protect !== true) {
            reportViolation(`This data resource is not protected, so \`pulumi destroy\` or a refactor would delete it and its data. Fix: ${configSet("database.protect", "true")}`);
        }
        if (opts.retainOnDelete === false) {
            reportViolation(`This data resource is not retained on delete, so removing it from the program deletes the data. Fix: ${configSet("database.retainOnDelete", "true")}`);
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
