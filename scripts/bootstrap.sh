#!/usr/bin/env bash
# Installs what getiickets needs: a virtualenv with the project and its dev extra, and the
# Debian packages for PDF rendering (weasyprint) and browser tests (chromium) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)  # tests render ticket PDFs
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
  dpkg -s "$lib" >/dev/null 2>&1 || need_apt+=("$lib")
done
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Debian packages: ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "==> missing Debian packages (install them yourself): ${need_apt[*]}" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages"
  log=$(mktemp)
  if ! { .venv/bin/pip install --disable-pip-version-check -U pip \
         && .venv/bin/pip install --disable-pip-version-check '.[dev]'; } >"$log" 2>&1; then
    cat "$log" >&2; echo "FATAL: pip install failed" >&2; exit 1
  fi
  rm -f "$log"
  rm -f .venv/.installed-* && touch "$stamp"
fi
