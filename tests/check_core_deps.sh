#!/bin/sh
# core/ must build without Poco, Xapian or SQLite (ARCHITECTURE.md). CMake
# cannot stop a system header from leaking in, so this test greps for one.
set -eu
root=${1:-.}
if grep -rnE '#include *[<"](Poco/|xapian|sqlite3)' "$root/core"; then
  echo "core/ includes Poco, Xapian or SQLite headers" >&2
  exit 1
fi
echo "core/ is free of Poco, Xapian and SQLite includes"
