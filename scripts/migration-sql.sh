#!/usr/bin/env bash
# Prints the SQL that takes the schema as committed (git HEAD) to prisma/schema.prisma as it is now;
# with no committed schema, the whole schema. Usage:
#   scripts/migration-sql.sh > prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql
# (`prisma migrate dev` needs a shadow database and a native engine; see docs/toolchain.md.)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if git show HEAD:prisma/schema.prisma > "$tmp/committed.prisma" 2>/dev/null && ls prisma/migrations/*/migration.sql >/dev/null 2>&1; then
  from=(--from-schema-datamodel "$tmp/committed.prisma")
else
  from=(--from-empty)
fi
# With a prisma.config.ts, Prisma prints the script on stderr after a banner.
DATABASE_URL="file:$tmp/scratch.db" npx prisma migrate diff "${from[@]}" --to-schema-datamodel prisma/schema.prisma --script 2>&1 \
  | sed -e '/^Loaded Prisma config/d' -e '/^npm warn/d' | sed -e '/./,$!d'
