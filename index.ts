/**
 * The program every stack runs: validate the stack's configuration (every problem at once, before anything is
 * created), build the environment it describes, export its outputs.
 */
import { buildEnvironment } from "./components/environment";
import { loadStackConfig } from "./config";

export = async () => buildEnvironment(loadStackConfig());
