// Entry point of `npm run duban -- …` and `npx duban …`.
import { runCli } from './cli';

runCli();
