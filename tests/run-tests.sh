#!/usr/bin/env bash
# The README's test command: installs everything the tests need, then lints and runs them.
# Safe to run again: it reuses .venv and installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# System libraries Qt needs even offscreen; installed only when missing (needs root + apt).
need_apt=()
for lib in libEGL.so.1 libGL.so.1 libfontconfig.so.1 libxkbcommon.so.0 libdbus-1.so.3; do
  ldconfig -p | grep -q "$lib" || need_apt+=("$lib")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    apt_updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core >/dev/null
  else
    echo "Missing system libraries for Qt: ${need_apt[*]} (install libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3)" >&2
    exit 1
  fi
fi

# A PostgreSQL server for the sync-hub tests (tests/pg_server.py starts a throwaway cluster
# from these binaries; the system cluster the package may start is never used).
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    [ -n "${apt_updated:-}" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL server binaries not found: hub tests will skip (fail under CI=true)." \
      "Install the postgresql package." >&2
  fi
fi

# The installer tests build the frozen app (PyInstaller reads binaries with objdump and ldd)
# and the .deb (dpkg-deb), then check the menu entry and AppStream metadata with their tools.
need_tools=()
for tool in objdump:binutils desktop-file-validate:desktop-file-utils appstreamcli:appstream; do
  command -v "${tool%%:*}" >/dev/null || need_tools+=("${tool##*:}")
done
if [ ${#need_tools[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    [ -n "${apt_updated:-}" ] || apt-get update -qq
    apt_updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_tools[@]}" >/dev/null
  else
    echo "Missing tools for the installer tests: install ${need_tools[*]}." >&2
    exit 1
  fi
fi

# The acceptance tests (tests/acceptance) start the app as its own process on a virtual X
# screen (Xvfb), type and click with xdotool and keep screenshots from xwd; Qt's xcb platform
# plugin needs these xcb libraries. Without them those tests skip (under CI=true they fail).
need_x=()
for tool in Xvfb:xvfb xdotool:xdotool xwd:x11-apps; do
  command -v "${tool%%:*}" >/dev/null || need_x+=("${tool##*:}")
done
for lib in libX11-xcb.so.1:libx11-xcb1 libxcb-cursor.so.0:libxcb-cursor0 \
  libxcb-icccm.so.4:libxcb-icccm4 libxcb-image.so.0:libxcb-image0 \
  libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-randr.so.0:libxcb-randr0 \
  libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0 \
  libxcb-sync.so.1:libxcb-sync1 libxcb-xfixes.so.0:libxcb-xfixes0 libxcb-xkb.so.1:libxcb-xkb1 \
  libxkbcommon-x11.so.0:libxkbcommon-x11-0; do
  ldconfig -p | grep -q "${lib%%:*}" || need_x+=("${lib##*:}")
done
if [ ${#need_x[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    [ -n "${apt_updated:-}" ] || apt-get update -qq
    apt_updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_x[@]}" >/dev/null
  else
    echo "Missing for the acceptance tests: install ${need_x[*]}." >&2
  fi
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
.venv/bin/ruff check pcso_desk tests
.venv/bin/mypy
# pytest's exit code 5 (no tests ran) fails this script like any other failure.
.venv/bin/python -m pytest "$@"
