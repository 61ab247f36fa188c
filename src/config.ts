/**
 * The one validated configuration object, from one declarative schema: `config/variables.ts`
 * lists every environment variable the gateway reads, each as a zod schema that parses and
 * checks it; each section of the Config (config/database.ts, wise.ts, …) applies its defaults
 * and the rules that cross variables. The Config type, the checks and the test that keeps
 * .env.example complete all come from there. Every problem is reported at once (main.ts exits
 * 78 with the list), and nothing reads process.env after the check: this is the one module that
 * reads it, and every value the process uses is in the returned Config.
 *
 * zod rather than envalid: the rules here cross variables (production needs a database, a
 * token verifier and keys; WISE_ENV decides which Wise variables are required), which zod
 * states as plain code over typed values, and zod is the schema library the TypeScript world
 * maintains most actively — envalid's validators cover one variable at a time.
 */
import { buildConfig, type Config } from './config/load.js';
import type { Env } from './config/parse.js';
import { standaloneSimulatorConfig, type StandaloneSimulatorConfig } from './config/simulator.js';

export type { Config, OnboardingModel } from './config/load.js';
export type { DocumentLimits, Limits } from './config/limits.js';
export type { RuntimeMode, ParsedEnv } from './config/variables.js';
export type { WiseEnvironment } from './config/wise.js';
export type { StandaloneSimulatorConfig } from './config/simulator.js';
export { ConfigError, parseEnv, redactUrl } from './config/parse.js';
export { variables } from './config/variables.js';
export { DEVELOPMENT_JWT_SECRET } from './config/auth.js';
export { SIMULATOR_CLIENT } from './config/wise.js';
export { simulatorVariables } from './config/simulator.js';

export function loadConfig(env: Env = process.env): Config {
  return buildConfig(env);
}

/** The standalone simulator's settings, checked like the gateway's (exit 78 with every problem). */
export function loadSimulatorConfig(env: Env = process.env): StandaloneSimulatorConfig {
  return standaloneSimulatorConfig(env);
}
