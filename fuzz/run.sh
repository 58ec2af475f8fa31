#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS, starting from the committed corpus (read only; new inputs
# go to target/corpus/), then prints executions per target. Fails on the first crash, leaving the input under
# artifacts/<target>/ (replay: cargo +nightly fuzz run <target> artifacts/<target>/<file>).
#   ./run.sh SECONDS [TARGET...]        e.g. ./run.sh 10 (smoke), ./run.sh 300 (long)
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH"

seconds=${1:?usage: run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(policy_compile decisions account requests token)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz (about 2 minutes)"
  cargo install -q cargo-fuzz
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

# No sanitizer: the core is safe Rust, so ASan adds build and run time and finds nothing a panic would not.
flags=(--sanitizer none)
start=$(date +%s)
cargo +nightly fuzz build "${flags[@]}" 2>&1 | grep -v '^\s*Compiling' || true
echo "fuzz build: $(( $(date +%s) - start )) s"

printf '%-16s %12s %10s %8s\n' target executions exec/s corpus
for t in "${targets[@]}"; do
  mkdir -p "target/corpus/$t" "corpus/$t"
  dict=(); [ -f "dict/$t.dict" ] && dict=(-dict="dict/$t.dict")
  log="target/$t.log"
  if ! cargo +nightly fuzz run "${flags[@]}" "$t" "target/corpus/$t" "corpus/$t" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 "${dict[@]}" \
      >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz target $t FAILED: see fuzz/artifacts/$t/" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  units=$(ls "target/corpus/$t" "corpus/$t" | grep -vc ':$' || true)
  printf '%-16s %12s %10s %8s\n' "$t" "${runs:-?}" "${rate:-?}" "$units"
done
