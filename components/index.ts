/** The program's ComponentResources, one per file, and the helpers they share. */
export * from "./appConfig";
export * from "./appSecrets";
export * from "./appService";
export * from "./dataSafety";
export * from "./environment";
export * from "./githubEnvironment";
export * from "./githubReadEnvironment";
export * from "./naming";
export * from "./postgres";
export * from "./sentryProject";
