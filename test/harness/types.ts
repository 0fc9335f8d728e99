/** Type tokens the tests look for, and what a secret-looking name is: one table for every suite. */

/** Type tokens of the components and of the provider resources they register. */
export const TYPES = {
    appSecrets: "platform:secrets:AppSecrets",
    postgres: "platform:database:Postgres",
    appService: "platform:app:AppService",
    github: "platform:github:GitHubEnvironment",
    sentry: "platform:observability:SentryProject",
    rotating: "time:index/rotating:Rotating",
    password: "random:index/randomPassword:RandomPassword",
    dockerImage: "docker:index/image:Image",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    container: "docker:index/container:Container",
    network: "docker:index/network:Network",
    volume: "docker:index/volume:Volume",
    flyApp: "pulumi-nodejs:dynamic/fly:App",
    flyIp: "pulumi-nodejs:dynamic/fly:IpAssignment",
    flyCert: "pulumi-nodejs:dynamic/fly:Certificate",
    flySecrets: "pulumi-nodejs:dynamic/fly:Secrets",
    flyMachines: "pulumi-nodejs:dynamic/fly:MachineGroup",
    flyPostgres: "pulumi-nodejs:dynamic/fly:ManagedPostgres",
    flyDatabase: "pulumi-nodejs:dynamic/fly:PostgresDatabase",
    flyUser: "pulumi-nodejs:dynamic/fly:PostgresUser",
    flyRelease: "pulumi-nodejs:dynamic/fly:Release",
    flyImageCopy: "pulumi-nodejs:dynamic/fly:ImageCopy",
    releaseHistory: "pulumi-nodejs:dynamic/release:ReleaseHistory",
    ghProvider: "pulumi:providers:github",
    ghEnvironment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    ghDeploymentPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    ghRuleset: "github:index/repositoryRuleset:RepositoryRuleset",
    ghBranchProtection: "github:index/branchProtection:BranchProtection",
    ghSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    ghVariable: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    sentryTeam: "sentry:index/sentryTeam:SentryTeam",
    sentryProject: "sentry:index/sentryProject:SentryProject",
    sentryKey: "sentry:index/sentryKey:SentryKey",
} as const;

/** Names that look like they hold a secret: the policy pack's own definition (rule no-secret-in-plain-env). */
export { SECRET_NAME as SECRET_LOOKING } from "../../policies/rules/secrets/no-secret-in-plain-env";
