#!/usr/bin/env bash
# Installs what getiickets needs from the lock files:
#   scripts/bootstrap.sh runtime   the site only (make run): requirements/runtime.txt
#   scripts/bootstrap.sh dev       runtime + test tools (make test, CI): requirements/dev.txt
# into .venv with uv (pinned in scripts/uv-version.sh), and the Debian packages when missing:
# Pango/HarfBuzz/fonts for the PDF tickets; with `dev` also chromium (browser tests),
# poppler-utils (tests render the PDFs), nginx (the production smoke puts it in front) and
# docker-compose (tests validate docker-compose.yml with it; no Docker engine needed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/uv-version.sh
set_name="${1:-dev}"
case "$set_name" in
  runtime|dev) lock="requirements/$set_name.txt" ;;
  *) echo "usage: $0 runtime|dev" >&2; exit 2 ;;
esac

need_apt=()   # installed as Debian recommends them (chromium's fonts, for one)
bare_apt=()   # without recommends: docker-compose's would pull in a whole Docker engine
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "$set_name" = dev ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
  [ -x /usr/sbin/nginx ] || bare_apt+=(nginx-light)
  command -v docker-compose >/dev/null 2>&1 || bare_apt+=(docker-compose)  # validates the file
fi
if ((${#need_apt[@]} + ${#bare_apt[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Debian packages: ${need_apt[*]} ${bare_apt[*]}"
    # policy-rc.d (Docker images ship one) keeps nginx's package from starting a daemon.
    apt-get update -qq
    export DEBIAN_FRONTEND=noninteractive
    if ((${#need_apt[@]})); then apt-get install -y -qq "${need_apt[@]}" >/dev/null; fi
    if ((${#bare_apt[@]})); then
      apt-get install -y -qq --no-install-recommends "${bare_apt[@]}" >/dev/null
    fi
  else
    echo "==> missing Debian packages (install them yourself): ${need_apt[*]} ${bare_apt[*]}" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
# One stamp per lock file content: a changed lock reinstalls, an unchanged one costs nothing.
stamp=".venv/.installed-$set_name-$(sha256sum "$lock" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages from $lock"
  log=$(mktemp)
  if ! { { .venv/bin/uv --version 2>/dev/null | grep -qx "uv $UV_VERSION" \
           || .venv/bin/pip install --disable-pip-version-check "uv==$UV_VERSION"; } \
         && .venv/bin/uv pip install --python .venv/bin/python --require-hashes -r "$lock"; \
       } >"$log" 2>&1; then
    cat "$log" >&2; echo "FATAL: installing $lock failed" >&2; exit 1
  fi
  rm -f "$log" ".venv/.installed-$set_name-"* && touch "$stamp"
fi
