#!/usr/bin/env bash
# Every test: lint, pytest (domain logic, actions, storage on SQLite and PostgreSQL, live conversations,
# the safety set through the assistant), Rasa's data validation and end-to-end test stories.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p reports var
scripts/services.sh || exit 1

failed=()
step() {  # name command...
  local name=$1; shift
  echo; echo "=== $name ==="
  if "$@"; then echo "--- $name: ok"; else echo "--- $name: FAILED"; failed+=("$name"); fi
}

step "ruff" .venv/bin/ruff check .
step "rasa data validate" .venv-rasa/bin/rasa data validate --fail-on-warnings --quiet
step "rasa test stories" .venv-rasa/bin/rasa test core --model models/reflection.tar.gz \
  --stories tests/e2e --fail-on-prediction-errors --out reports/rasa-test --quiet
step "pytest" .venv/bin/python -m pytest -q

echo
echo "=== measured ==="
[ -f reports/safety_report.txt ] && grep -vE "(MISSED|CHECK-IN ONLY|FALSE CRISIS|false check-in)" reports/safety_report.txt
[ -f reports/risk_classifier_validation.txt ] && head -4 reports/risk_classifier_validation.txt
[ -f reports/heldout_accuracy.txt ] && cat reports/heldout_accuracy.txt
for blind in reports/intent_accuracy_*.txt reports/answers_*.txt reports/conversations_*.txt; do
  [ -f "$blind" ] && cat "$blind"
done
[ -f reports/anonymization.txt ] && cat reports/anonymization.txt
.venv/bin/python scripts/audit.py --measure  # reported here; `make audit` fails on findings

echo
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "All test steps passed."
