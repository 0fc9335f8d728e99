// One rule that reads a property straight through the policy runtime's unknown-checking proxy, which this project's
// rules never do (policies/lib/known.ts): the control case of rules.test.ts, served by the real analyzer.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS pack, as the policy host loads it
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("naive", {
    policies: [
        {
            name: "naive",
            description: "Reads DEBUG directly.",
            validateResource: (args, report) => {
                if (args.type === "pulumi-nodejs:dynamic/fly:MachineGroup" && args.props.config.env.DEBUG !== "false") report("debug on");
            },
        },
    ],
});
