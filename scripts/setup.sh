#!/usr/bin/env bash
# Sets up a fresh machine for xltools' full test suite: LibreOffice and CJK fonts
# (the tests recalculate and render the generated workbooks with them) and a
# virtual environment in .venv with xltools and its test dependencies.
# Safe to run again: what is already there is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
   || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends \
    libreoffice-calc libreoffice-core fonts-noto-cjk poppler-utils
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# The distribution was called "xltools" before it became "xltools-jixiao": drop the old
# record first (it owns the same `xltools` command), then install under the new name.
if .venv/bin/python -m pip show --quiet xltools >/dev/null 2>&1; then
  .venv/bin/python -m pip uninstall --quiet --yes xltools
fi
.venv/bin/python -m pip install --quiet -e '.[test]'
