# Loads .env for the processes and the test runner; sourced by scripts/run.sh and scripts/test.sh.
# A variable already set in the environment wins over .env, so a caller can point one run elsewhere.
while IFS= read -r line || [ -n "$line" ]; do
  [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)= ]] || continue
  [ -n "${!BASH_REMATCH[1]+set}" ] && continue
  eval "export $line"
done < .env
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
