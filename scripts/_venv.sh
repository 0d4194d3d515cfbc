# Shared by scripts/run and scripts/test: create .venv if missing and install the project
# (with the extras named in $1) unless pyproject.toml is unchanged since the last install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
extras="${1:-}"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "callsim: creating .venv (first run only)" >&2
  "$python" -m venv .venv
fi
stamp=".venv/.callsim-install-${extras:-base}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "callsim: installing dependencies (the first time builds llama-cpp-python, about 4 minutes)" >&2
  spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -e "$spec" >&2
  echo "$want" > "$stamp"
fi
