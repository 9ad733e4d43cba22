#!/usr/bin/env bash
# Regenerates every committed report from the repository root: `bash reports/generate.sh`.
# Feng et al.'s report uses a calibration fitted to their measured Case A structures (the shared
# data, $STRATUS_DATA or ../shared/data); the published corpus goes to reports/reproduction.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/stratus
data=${STRATUS_DATA:-../shared/data}
"$bin" calibrate --from "$data/calibration/feng2018-case-a-structures.csv" \
  --scenario scenarios/feng2018-case-a.toml --output reports/feng2018-case-a.calibration.toml
while read -r name args; do
  case "$name" in '' | '#'*) continue ;; esac
  # shellcheck disable=SC2086 # the manifest's arguments split on spaces by design
  "$bin" report $args --out "reports/$name" >/dev/null
  echo "reports/$name"
done < reports/reports.txt
"$bin" reproduce --format csv > reports/reproduction.csv
echo reports/reproduction.csv
