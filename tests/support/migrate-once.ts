// Migrates the database at argv[2] and prints the migrations it applied, as JSON: a separate process, as
// `npm start` and `npm run worker` are when they start together.
import { migrateDatabase } from '../../store/migrate';

migrateDatabase(process.argv[2]).then(
  (applied) => process.stdout.write(JSON.stringify(applied)),
  (err: unknown) => {
    process.stderr.write(String(err));
    process.exitCode = 1;
  },
);
