#!/usr/bin/env bash
# Run the vLLM tests N times (default 20) while a CPU hog keeps both cores busy, and report
# pass/fail per run: a test that passes only on an idle machine is a failing test (CI runs on
# a loaded 2-core machine).
#
#   scripts/stress_vllm_tests.sh [N]        or        make stress-vllm RUNS=N
#
# Environment: HOG_CPUS (default: the number of cores), HOG=stress-ng|python (default:
# stress-ng when installed), STRESS_LOG_DIR (default: a new folder under /tmp), PYTEST_ARGS.
# Each run starts its own vLLM workers (the session fixture), so a run takes a few minutes
# under the hog. The logs of every run, and the pytest temp folder (worker logs) of every
# failed run, stay in the log folder.
set -u -o pipefail

runs="${1:-${RUNS:-20}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" || exit 2
cpus="${HOG_CPUS:-$(nproc)}"
hog="${HOG:-$(command -v stress-ng >/dev/null && echo stress-ng || echo python)}"
log_dir="${STRESS_LOG_DIR:-$(mktemp -d /tmp/stress-vllm.XXXXXX)}"
mkdir -p "$log_dir"
tests=(tests/integration/test_vllm_gateway.py tests/unit/providers/test_vllm_pool.py tests/unit/providers/test_vllm_pool_loads.py)

if [[ ! -x .venv/bin/pytest || ! -x .venv-worker/bin/modelgw ]]; then
    echo "needs .venv (make venv) and .venv-worker (make worker-venv)" >&2
    exit 2
fi

hog_pids=()
stop_hog() {
    # Only the processes started here, by id (stress-ng ends its own stressors on SIGTERM).
    for pid in "${hog_pids[@]}"; do
        kill "$pid" 2>/dev/null
    done
    wait "${hog_pids[@]}" 2>/dev/null
}
trap stop_hog EXIT
trap 'exit 130' INT TERM

case "$hog" in
    stress-ng) stress-ng --cpu "$cpus" --quiet & hog_pids+=($!) ;;
    python)
        for _ in $(seq "$cpus"); do
            python3 -c 'while True: pass' & hog_pids+=($!)
        done
        ;;
    *) echo "unknown HOG=$hog (stress-ng or python)" >&2; exit 2 ;;
esac
echo "CPU hog: $hog on $cpus cores (pids ${hog_pids[*]}); $runs runs; logs in $log_dir"

passed=0
failed=0
for i in $(seq "$runs"); do
    log="$log_dir/run-$i.log"
    tmp="$log_dir/run-$i-tmp"
    start=$(date +%s)
    # shellcheck disable=SC2086  # PYTEST_ARGS is a list of words
    .venv/bin/pytest -q -p no:cacheprovider -rfE --basetemp="$tmp" ${PYTEST_ARGS:-} \
        "${tests[@]}" >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    summary="$(tail -n 1 "$log")"
    if [[ $rc -eq 0 ]]; then
        passed=$((passed + 1))
        rm -rf "$tmp"
        echo "run $i/$runs: PASS in ${took}s ($summary)"
    else
        failed=$((failed + 1))
        echo "run $i/$runs: FAIL (rc $rc) in ${took}s ($summary)"
        grep -E '^(FAILED|ERROR) ' "$log" | sed 's/^/    /'
    fi
done
echo "passed $passed/$runs, failed $failed/$runs under $hog on $cpus cores; logs in $log_dir"
[[ $failed -eq 0 ]]
