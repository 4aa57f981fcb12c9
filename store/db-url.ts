/** The application database: DATABASE_URL, or the embedded SQLite file under ./data. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL ?? `file:${env.DUBAN_DATA_DIR ?? './data'}/duban.db`;
}
