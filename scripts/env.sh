# Loads .env and derives Rasa's tracker-store variables; sourced by scripts/run.sh and the test runner.
set -a
# shellcheck disable=SC1091
source .env
set +a
eval "$(.venv/bin/python scripts/rasa_env.py)"
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
