#!/usr/bin/env bash
# Starts the action server (:5055), Rasa (:5005) and the web app (:8000); one Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
umask 077  # databases and logs hold clients' words: readable by their owner only
LOG_DIR=${LOG_DIR:-logs}
mkdir -p var "$LOG_DIR"
chmod 700 var "$LOG_DIR"
ACTION_PORT=${ACTION_PORT:-5055} RASA_PORT=${RASA_PORT:-5005} WEB_PORT=${WEB_PORT:-8000}
# The processes started here find each other on loopback.
export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTION_PORT/webhook" RASA_URL="http://127.0.0.1:$RASA_PORT"

pids=()
stop_all() {
  trap - INT TERM EXIT
  if ((${#pids[@]})); then
    echo; echo "Stopping…"
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  echo "Stopped."
}
trap stop_all INT TERM EXIT

wait_for() {  # name url seconds; asks five times a second, so "All running" comes as soon as it is true
  local name=$1 url=$2 seconds=$3
  for ((i = 0; i < seconds * 5; i++)); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then echo "  ✓ $name is up"; return 0; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "  ✗ $name stopped; see $LOG_DIR/ for why"; tail -n 20 "$LOG_DIR"/*.log; return 1; }
    done
    sleep 0.2
  done
  echo "  ✗ $name did not come up in ${seconds}s; see $LOG_DIR/"; return 1
}

# Rasa takes longest to load its model and needs neither the database nor the action server until the first
# message, so it starts first and the others load beside it; then each is waited for.
echo "Starting Rasa on :$RASA_PORT ($LOG_DIR/rasa.log); loading the model takes a little while…"
# The API token reaches Rasa through the environment, never the command line (scripts/serve_rasa.py).
.venv-rasa/bin/python scripts/serve_rasa.py --port "$RASA_PORT" --model models >"$LOG_DIR"/rasa.log 2>&1 &
pids+=($!)

echo "Preparing the database…"
.venv/bin/reflect db upgrade

echo "Starting the action server on :$ACTION_PORT ($LOG_DIR/actions.log)…"
.venv/bin/python -m actions.server --port "$ACTION_PORT" >"$LOG_DIR"/actions.log 2>&1 &
pids+=($!)

echo "Starting the web app on :$WEB_PORT ($LOG_DIR/web.log)…"
.venv/bin/uvicorn web.app:app --host "$BIND_HOST" --port "$WEB_PORT" --ws-max-size 65536 >"$LOG_DIR"/web.log 2>&1 &
pids+=($!)

wait_for "web app" "http://127.0.0.1:$WEB_PORT/health" 60
wait_for "action server" "http://127.0.0.1:$ACTION_PORT/health" 60
wait_for "Rasa" "http://127.0.0.1:$RASA_PORT/" 240

cat <<MSG

All running. Open http://localhost:$WEB_PORT to chat.
Press Ctrl-C to stop everything.
MSG
wait -n "${pids[@]}" || true
echo "A process stopped; see $LOG_DIR/."
