"""Exit 0 when the PostgreSQL server named by the first argument answers, 1 otherwise."""

import sys

import psycopg

try:
    with psycopg.connect(sys.argv[1], connect_timeout=3) as connection:
        version = connection.execute("SHOW server_version").fetchone()
except psycopg.Error as error:
    print(f"PostgreSQL is not reachable at {sys.argv[1]}: {str(error).strip().splitlines()[0]}")
    sys.exit(1)
print(f"PostgreSQL {version[0] if version else '?'} answers at {sys.argv[1]}.")
