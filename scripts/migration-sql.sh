#!/usr/bin/env bash
# Writes a new migration for both databases: the SQL that takes the schema as committed (git HEAD) to
# prisma/schema.prisma as it is now, for SQLite and for PostgreSQL. Usage:
#   scripts/migration-sql.sh NAME
# creates prisma/migrations/<yyyymmddhhmmss>_NAME/migration.sql and the same under prisma/postgresql/.
# It first derives prisma/postgresql/schema.prisma from prisma/schema.prisma (tests/migrations.test.ts checks
# they agree). `prisma migrate dev` needs a shadow database and a native engine; see docs/toolchain.md.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/migration-sql.sh NAME}
stamp=$(date -u +%Y%m%d%H%M%S)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
derive() { sed -e 's/provider = "sqlite"/provider = "postgresql"/' -e 's#output     = "../generated/prisma"#output     = "../../generated/prisma-postgresql"#'; }
derive < prisma/schema.prisma > prisma/postgresql/schema.prisma
git show HEAD:prisma/schema.prisma > "$tmp/sqlite.prisma"
derive < "$tmp/sqlite.prisma" > "$tmp/postgresql.prisma"
prisma=node_modules/prisma/build/index.js
# With a prisma.config.ts, Prisma prints the script on stderr after a banner.
clean() { sed -e '/^Loaded Prisma config/d' -e '/^npm warn/d' | sed -e '/./,$!d'; }
mkdir -p "prisma/migrations/${stamp}_$name" "prisma/postgresql/migrations/${stamp}_$name"
DATABASE_URL="file:$tmp/scratch.db" node "$prisma" migrate diff --from-schema-datamodel "$tmp/sqlite.prisma" \
  --to-schema-datamodel prisma/schema.prisma --script 2>&1 | clean > "prisma/migrations/${stamp}_$name/migration.sql"
# the PostgreSQL adapter connects even to diff two schema files: any reachable server will do
DATABASE_URL="${DUBAN_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}" node "$prisma" migrate diff --config prisma/postgresql/prisma.config.ts \
  --from-schema-datamodel "$tmp/postgresql.prisma" --to-schema-datamodel prisma/postgresql/schema.prisma --script 2>&1 \
  | clean > "prisma/postgresql/migrations/${stamp}_$name/migration.sql"
echo "wrote prisma/migrations/${stamp}_$name and prisma/postgresql/migrations/${stamp}_$name"
