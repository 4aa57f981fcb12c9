// What a benchmark scenario is given and what it answers; bench/run.ts picks one by name.

export interface Options {
  /** Leave the test server free to skip time while a launch waits for its campaign workflow. */
  timeSkipping: boolean;
}

/** Runs the benchmark and prints its report; true when every check passed. */
export type Scenario = (o: Options) => Promise<boolean>;
