/**
 * The review's settings, read from the environment with the rest of the configuration: where the
 * GitHub CLI is found. `gh` is looked up on the server's PATH (a test puts a fake first on it) and
 * runs with the server's environment, so its own sign-in (`gh auth login`, `GH_TOKEN`) applies.
 */
export interface ReviewConfig {
  /** `A2UI_GH_COMMAND`, default `gh`. */
  ghCommand: string;
  /** The environment gh runs with. */
  ghEnv: NodeJS.ProcessEnv;
}

export function loadReviewConfig(env: NodeJS.ProcessEnv): ReviewConfig {
  return { ghCommand: env.A2UI_GH_COMMAND || 'gh', ghEnv: { ...process.env, ...env } };
}
