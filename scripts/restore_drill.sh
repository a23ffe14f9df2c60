#!/usr/bin/env bash
# Restore drill: restore a pg_dump backup into a scratch database and check that it gives the
# same rollups as the live database (or, with --expect, as a fingerprint saved at backup time).
#
#   scripts/restore_drill.sh BACKUP.dump                 # compare with $DATABASE_URL
#   scripts/restore_drill.sh --dump                      # take a fresh dump of $DATABASE_URL first
#   scripts/restore_drill.sh BACKUP.dump --keep          # leave the scratch database for a look
#
# DATABASE_URL: the live database (postgresql://user@host:port/name). The scratch database is
# tagar_restore_<timestamp> on the same server, dropped at the end unless --keep. Exit status 0
# when the rollups match; 1 when they differ; 2 on usage or restore errors; 3 when the live data
# changed since the dump (its data_version differs): inconclusive, run it again with --dump.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"
: "${DATABASE_URL:?set DATABASE_URL to the live database}"
backup="" keep=0 dump=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    --dump) dump=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) backup="$arg" ;;
  esac
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ "$dump" = 1 ]; then
  backup="$work/tagar.dump"
  pg_dump --format=custom --no-owner --file="$backup" "$DATABASE_URL"
fi
[ -n "$backup" ] && [ -r "$backup" ] || { echo "no readable backup file given" >&2; exit 2; }

server="${DATABASE_URL%/*}"
scratch="tagar_restore_$(date -u +%Y%m%d%H%M%S)"
createdb --maintenance-db="$server/postgres" "$scratch"
cleanup() {
  if [ "$keep" = 0 ]; then dropdb --maintenance-db="$server/postgres" --if-exists "$scratch"; fi
  rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)
pg_restore --no-owner --exit-on-error --dbname="$server/$scratch" "$backup" || exit 2
echo "restored $(basename "$backup") into $scratch in $(( $(date +%s) - started )) s"

"$python" "$here/scripts/rollup_fingerprint.py" "$DATABASE_URL" > "$work/live.txt"
"$python" "$here/scripts/rollup_fingerprint.py" "$server/$scratch" > "$work/restored.txt"
if diff -u "$work/live.txt" "$work/restored.txt" > "$work/diff.txt"; then
  echo "OK: $(wc -l < "$work/live.txt") rollup figures and row counts match"
  exit 0
fi
if ! diff -q <(head -1 "$work/live.txt") <(head -1 "$work/restored.txt") > /dev/null; then
  echo "The live data changed since the dump ($(head -1 "$work/live.txt") live, $(head -1 \
"$work/restored.txt") in the backup): run the drill with --dump at a quiet hour." >&2
  exit 3
fi
echo "MISMATCH between the live database and the restored backup:" >&2
head -40 "$work/diff.txt" >&2
exit 1
