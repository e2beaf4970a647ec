#!/usr/bin/env bash
# Prints the path of a working pythonX.Y (e.g. `find_python.sh 3.10`): on PATH, else under pyenv.
set -euo pipefail
version=$1
for candidate in "python$version" "$HOME/.pyenv/versions/$version"*/bin/"python$version" \
                 /usr/local/bin/"python$version" /usr/bin/"python$version"; do
  if path=$(command -v "$candidate" 2>/dev/null) && "$path" -c 'import venv' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for dir in "$(pyenv root)/versions/$version"*/bin; do
    [ -x "$dir/python$version" ] && { echo "$dir/python$version"; exit 0; }
  done
fi
echo "Python $version was not found. Install it (e.g. 'pyenv install $version') and run make again." >&2
exit 1
