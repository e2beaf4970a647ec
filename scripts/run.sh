#!/usr/bin/env bash
# Starts the action server (:5055), Rasa (:5005) and the web app (:8000); one Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p var logs

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

wait_for() {  # name url seconds
  local name=$1 url=$2 seconds=$3
  for ((i = 0; i < seconds; i++)); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then echo "  ✓ $name is up"; return 0; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "  ✗ $name stopped; see logs/ for why"; tail -n 20 logs/*.log; return 1; }
    done
    sleep 1
  done
  echo "  ✗ $name did not come up in ${seconds}s; see logs/"; return 1
}

echo "Preparing the database…"
.venv/bin/reflect db upgrade

echo "Starting the action server on :5055 (logs/actions.log)…"
.venv/bin/python -m rasa_sdk --actions actions --port 5055 >logs/actions.log 2>&1 &
pids+=($!)
wait_for "action server" http://127.0.0.1:5055/health 60

echo "Starting Rasa on :5005 (logs/rasa.log); loading the model takes a little while…"
.venv-rasa/bin/rasa run --model models --port 5005 --enable-api --auth-token "$RASA_TOKEN" \
  --credentials credentials.yml --endpoints endpoints.yml --cors "http://localhost:8000" \
  >logs/rasa.log 2>&1 &
pids+=($!)
wait_for "Rasa" http://127.0.0.1:5005/ 240

echo "Starting the web app on :8000 (logs/web.log)…"
.venv/bin/uvicorn web.app:app --host 127.0.0.1 --port 8000 >logs/web.log 2>&1 &
pids+=($!)
wait_for "web app" http://127.0.0.1:8000/health 60

cat <<MSG

All running. Open http://localhost:8000 to chat, or:
  curl -s localhost:5005/webhooks/rest/webhook -H 'Content-Type: application/json' \\
       -d '{"sender": "me", "message": "hi, I would like to think about how my therapy is going"}'
Press Ctrl-C to stop everything.
MSG
wait -n "${pids[@]}" || true
echo "A process stopped; see logs/."
