/** What every Fly resource's type token starts with (`pulumi-nodejs:dynamic/fly:<Kind>`). */
export const FLY_TYPE_PREFIX = "pulumi-nodejs:dynamic/fly:";

/** Type tokens of the resources the rules judge (see docs/fly-provider-contract.md for the Fly ones). */
export const FLY = {
    app: "pulumi-nodejs:dynamic/fly:App",
    machineGroup: "pulumi-nodejs:dynamic/fly:MachineGroup",
    secrets: "pulumi-nodejs:dynamic/fly:Secrets",
    volume: "pulumi-nodejs:dynamic/fly:Volume",
    managedPostgres: "pulumi-nodejs:dynamic/fly:ManagedPostgres",
    postgresDatabase: "pulumi-nodejs:dynamic/fly:PostgresDatabase",
    postgresUser: "pulumi-nodejs:dynamic/fly:PostgresUser",
    certificate: "pulumi-nodejs:dynamic/fly:Certificate",
    ipAssignment: "pulumi-nodejs:dynamic/fly:IpAssignment",
    release: "pulumi-nodejs:dynamic/fly:Release",
} as const;

/** The release history every stack with an app keeps (providers/fly/releaseHistory.ts); it carries a promotion. */
export const RELEASE_HISTORY = "pulumi-nodejs:dynamic/release:ReleaseHistory";

export const DOCKER = {
    container: "docker:index/container:Container",
    image: "docker:index/image:Image",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    volume: "docker:index/volume:Volume",
} as const;

/** The release step of a local stack: a one-off container run to its end before the app (attached, not kept running). */
export const isLocalRelease = (type: string, props: Readonly<Record<string, unknown>>): boolean => type === DOCKER.container && props.attach === true && props.mustRun === false;

export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

/** `@pulumiverse/time`'s `Rotating`: the keeper that rotates the generated JWT secret. */
export const TIME_ROTATING = "time:index/rotating:Rotating";

export const GITHUB = {
    environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    deploymentPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    branchProtection: "github:index/branchProtection:BranchProtection",
    ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
    environmentSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
} as const;

/** Component type of a GitHub environment for jobs that read a stack without deploying it (components/githubReadEnvironment.ts). */
export const READ_ENVIRONMENT_TYPE = "platform:github:GitHubReadEnvironment";

export const SENTRY = {
    project: "sentry:index/sentryProject:SentryProject",
    key: "sentry:index/sentryKey:SentryKey",
} as const;

/** Resources that hold data: deleting one loses it. */
export const DATA_TYPES: ReadonlySet<string> = new Set([FLY.managedPostgres, FLY.postgresDatabase, FLY.volume, DOCKER.volume]);
