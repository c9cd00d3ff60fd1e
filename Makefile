# Makefile for Bosai Desk: a thin wrapper around meson and ninja.
#
#   make run    install what is missing, build, start a local bosai-central
#               holding demo data and the app syncing with it
#   make test   install what is missing, build, run every test; ends with
#               "N passed, N failed"
#
# Copyright 2026 The Bosai Desk Authors
# SPDX-License-Identifier: GPL-3.0-or-later

# Debian 12 packages the project needs to build, run and test. Add new ones
# here (one list, kept sorted by purpose).
DEB_PACKAGES := \
	meson ninja-build pkg-config gcc gettext \
	libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libshumate-dev \
	libsoup-3.0-dev libsqlite3-dev sqlite3 libjson-glib-dev libxml2-dev \
	libsecret-1-dev gnome-keyring libexif-dev \
	libgeoclue-2-dev geoclue-2.0 \
	desktop-file-utils appstream \
	xvfb xauth x11-utils xdotool dbus dbus-x11 at-spi2-core \
	python3 python3-gi gir1.2-atspi-2.0 python3-pyatspi \
	imagemagick fonts-noto-cjk locales \
	gdal-bin nginx-light openssl curl wrk \
	gnome-maps valgrind time

# Only for `make fuzz` (libFuzzer comes with clang).
FUZZ_PACKAGES := clang

BUILDDIR ?= build
MESON_OPTS ?=
# `make run`: the server's database and token, and the app's database, are
# kept in RUN_DIR and reused; DEMO_N reports are made once, on the server.
RUN_DIR ?= $(CURDIR)/$(BUILDDIR)/run
DEMO_DB ?= $(RUN_DIR)/client.sqlite
DEMO_N ?= 5000
RUN_PORT ?= 0
PYTHON := /usr/bin/python3

# xvfb-run and dbus-run-session for tests and headless runs.
XVFB_RUN := xvfb-run -a -s '-screen 0 1280x800x24'
DBUS_RUN := dbus-run-session --

ifeq ($(shell id -u),0)
SUDO :=
else
SUDO := sudo
endif

APP := $(BUILDDIR)/src/app/bosai-desk
CENTRAL := $(BUILDDIR)/src/central/bosai-central
MKGEOJSON := $(BUILDDIR)/tests/central/bench-mkgeojson

FUZZ_BUILDDIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := geojson fts jma cap csv

.PHONY: all deps build run test bench fuzz clean

all: build

# Quick when nothing is missing: one dpkg-query per package, no apt-get.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  case "$$(dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null)" in \
	    *"ok installed") ;; \
	    *) missing="$$missing $$p" ;; \
	  esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -q --no-install-recommends $$missing || exit 1; \
	fi; \
	if ! locale -a 2>/dev/null | grep -qi '^ja_JP\.utf-\?8$$'; then \
	  echo "Generating the ja_JP.UTF-8 locale"; \
	  if [ -f /etc/locale.gen ] && grep -q '^# *ja_JP.UTF-8 UTF-8' /etc/locale.gen; then \
	    $(SUDO) sed -i 's/^# *\(ja_JP.UTF-8 UTF-8\)/\1/' /etc/locale.gen; \
	  elif ! grep -q '^ja_JP.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then \
	    echo 'ja_JP.UTF-8 UTF-8' | $(SUDO) tee -a /etc/locale.gen >/dev/null; \
	  fi; \
	  $(SUDO) locale-gen >/dev/null || exit 1; \
	fi

$(BUILDDIR)/build.ninja:
	meson setup $(MESON_OPTS) $(BUILDDIR)

build: deps $(BUILDDIR)/build.ninja
	ninja -C $(BUILDDIR)

# Starts a local bosai-central on loopback (demo reports and an hq token,
# made once in RUN_DIR), then the app syncing with it; the server stops when
# the app exits. Without a display the app runs under xvfb-run, so the
# command still works on a headless machine.
run: build
	@set -e; \
	run_dir="$(RUN_DIR)"; server_db="$$run_dir/central.sqlite"; \
	mkdir -p "$$run_dir"; chmod 700 "$$run_dir"; \
	if [ ! -s "$$run_dir/token" ] || [ ! -f "$$server_db" ] || \
	   [ "$$(cat "$$run_dir/demo-n" 2>/dev/null)" != "$(DEMO_N)" ]; then \
	  if [ ! -x "$(MKGEOJSON)" ]; then \
	    echo "make run needs $(MKGEOJSON) (a build with -Dtests=true)" >&2; exit 1; \
	  fi; \
	  echo "Making a local bosai-central with $(DEMO_N) demo reports in $$run_dir"; \
	  rm -f "$$server_db" "$$server_db-wal" "$$server_db-shm" "$$run_dir/token" \
	    "$$run_dir/demo-overlays" \
	    "$(DEMO_DB)" "$(DEMO_DB)-wal" "$(DEMO_DB)-shm"; \
	  "$(MKGEOJSON)" $(DEMO_N) "$$run_dir/demo.geojson"; \
	  "$(CENTRAL)" import --database "$$server_db" --collection reports \
	    "$$run_dir/demo.geojson"; \
	  rm -f "$$run_dir/demo.geojson"; \
	  token=$$("$(CENTRAL)" token add --database "$$server_db" --role hq \
	    --name "make run" | tail -n 1 | awk '{print $$NF}'); \
	  [ -n "$$token" ] || { echo "bosai-central token add failed" >&2; exit 1; }; \
	  (umask 077; echo "$$token" > "$$run_dir/token"); \
	  echo "$(DEMO_N)" > "$$run_dir/demo-n"; \
	fi; \
	if [ ! -f "$$run_dir/demo-overlays" ]; then \
	  echo "Adding demo shelters, areas and alerts to $$server_db"; \
	  for c in shelters areas alerts; do \
	    "$(MKGEOJSON)" --overlay $$c "$$run_dir/demo-$$c.geojson"; \
	    "$(CENTRAL)" import --database "$$server_db" --collection $$c \
	      "$$run_dir/demo-$$c.geojson"; \
	    rm -f "$$run_dir/demo-$$c.geojson"; \
	  done; \
	  touch "$$run_dir/demo-overlays"; \
	fi; \
	server_pid=; \
	stop_server () { \
	  if [ -n "$$server_pid" ]; then \
	    kill "$$server_pid" 2>/dev/null || true; wait "$$server_pid" 2>/dev/null || true; \
	    echo "bosai-central stopped"; server_pid=; \
	  fi; \
	}; \
	trap stop_server EXIT; \
	trap 'exit 130' INT TERM HUP; \
	: > "$$run_dir/central.log"; \
	"$(CENTRAL)" serve --database "$$server_db" --port $(RUN_PORT) \
	  > "$$run_dir/central.log" 2>&1 & \
	server_pid=$$!; \
	i=0; \
	until grep -q '^listening on ' "$$run_dir/central.log"; do \
	  if ! kill -0 "$$server_pid" 2>/dev/null || [ $$i -ge 100 ]; then \
	    echo "bosai-central did not start:" >&2; cat "$$run_dir/central.log" >&2; exit 1; \
	  fi; \
	  sleep 0.1; i=$$((i + 1)); \
	done; \
	url=$$(sed -n 's/^listening on //p' "$$run_dir/central.log" | head -n 1); \
	echo "bosai-central: $$url (hq token in $$run_dir/token, log in $$run_dir/central.log)"; \
	export BOSAI_TOKEN="$$(cat "$$run_dir/token")"; \
	export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"; \
	export GSETTINGS_SCHEMA_DIR="$(CURDIR)/$(BUILDDIR)/resources"; \
	export BD_LOCALEDIR="$(CURDIR)/$(BUILDDIR)/po"; \
	set -- "$(APP)" --database "$(DEMO_DB)" --server "$$url"; \
	rc=0; \
	if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display: running under xvfb-run"; \
	  $(XVFB_RUN) $(DBUS_RUN) "$$@" || rc=$$?; \
	else \
	  "$$@" || rc=$$?; \
	fi; \
	exit $$rc

# Runs the whole suite, then prints per-test results and ends with the line
# "N passed, N failed". Exits non-zero when anything failed (a failed build
# too: it is reported as one failure).
test: deps
	@rm -f "$(BUILDDIR)/meson-logs/testlog.json"; \
	if [ ! -f "$(BUILDDIR)/build.ninja" ]; then \
	  meson setup $(MESON_OPTS) "$(BUILDDIR)" || { \
	    $(PYTHON) tests/summarize.py --failure "meson setup" none; exit 1; }; \
	fi; \
	ninja -C "$(BUILDDIR)" || { \
	  $(PYTHON) tests/summarize.py --failure "the build (ninja)" none; exit 1; }; \
	rc=0; \
	$(XVFB_RUN) $(DBUS_RUN) meson test -C "$(BUILDDIR)" --print-errorlogs \
	  --num-processes 2 || rc=$$?; \
	$(PYTHON) tests/summarize.py --meson-rc $$rc \
	  "$(BUILDDIR)/meson-logs/testlog.json"

# Benchmarks print figures; they do not pass or fail.
bench: build
	@echo "== bench-store =="
	$(BUILDDIR)/tests/bench-store
	@echo "== bench-tally =="
	$(BUILDDIR)/tests/bench-tally
	@if [ -x $(BUILDDIR)/tests/bench-layer ]; then \
	  echo "== bench-layer =="; \
	  $(XVFB_RUN) $(BUILDDIR)/tests/bench-layer; \
	fi
	@if [ -x $(BUILDDIR)/tests/bench-markers ]; then \
	  echo "== bench-markers (our report layer beside ShumateMarkerLayer; GL renderer) =="; \
	  $(XVFB_RUN) $(BUILDDIR)/tests/bench-markers; \
	  echo "== bench-markers (the same with GTK's Cairo renderer) =="; \
	  GSK_RENDERER=cairo $(XVFB_RUN) $(BUILDDIR)/tests/bench-markers; \
	fi
	@if [ -x $(BUILDDIR)/tests/bench-time ]; then \
	  echo "== bench-time (the time bar dragged over 100,000 reports) =="; \
	  $(XVFB_RUN) $(BUILDDIR)/tests/bench-time; \
	fi
	@echo "== bench-startup =="
	BUILDDIR=$(BUILDDIR) tests/bench-startup.sh
	@echo "== bench-central =="
	bash tests/bench-central.sh $(BUILDDIR)
	@echo "== bench-offline-copy =="
	bash tests/bench-offline-copy.sh $(BUILDDIR)
	@echo "== bench-cluster (beside supercluster) =="
	bash tests/bench-cluster-peer.sh $(BUILDDIR)
	@echo "== bench-shapes (beside ShumatePathLayer) =="
	$(XVFB_RUN) $(BUILDDIR)/tests/bench-shapes 1000 10

# libFuzzer builds of the fuzz targets (clang, -Dfuzzing=true) in their own
# build directory; each runs FUZZ_SECONDS from its seed corpus. (`make test`
# already replays the corpora and fixed mutations as ordinary tests.)
fuzz: deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(FUZZ_PACKAGES)"
	@[ -f "$(FUZZ_BUILDDIR)/build.ninja" ] || \
	  CC=clang meson setup -Dfuzzing=true "$(FUZZ_BUILDDIR)"
	ninja -C "$(FUZZ_BUILDDIR)" $(addprefix tests/fuzz/fuzz-,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz-$$t ($(FUZZ_SECONDS) s) =="; \
	  mkdir -p "$(FUZZ_BUILDDIR)/fuzz-corpus-$$t"; \
	  "$(FUZZ_BUILDDIR)/tests/fuzz/fuzz-$$t" -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix="$(FUZZ_BUILDDIR)/fuzz-$$t-" \
	    "$(FUZZ_BUILDDIR)/fuzz-corpus-$$t" "tests/fuzz/corpus-$$t" || exit 1; \
	done

clean:
	rm -rf $(BUILDDIR)
