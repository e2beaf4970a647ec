# Loads .env for the processes and the test runner; sourced by scripts/run.sh and scripts/test.sh.
set -a
# shellcheck disable=SC1091
source .env
set +a
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
