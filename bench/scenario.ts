// What a benchmark scenario is given and what it answers; bench/run.ts picks one by name.

export interface Options {
  /** Leave the test server free to skip time while a launch waits for its campaign workflow. */
  timeSkipping: boolean;
  /** Profile the process (burst: duban's side) with the inspector and summarize where the time went. */
  profile: boolean;
  /** The words after the scenario's name other than the flags above (burst: N). */
  args: string[];
}

/** Runs the benchmark and prints its report; true when every check passed. */
export type Scenario = (o: Options) => Promise<boolean>;

/** A malformed command line for a scenario: run.ts prints it with the usage and exits with code 2. */
export class UsageError extends Error {}
