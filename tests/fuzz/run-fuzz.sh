#!/bin/bash
# SPDX-License-Identifier: MIT
# Run one libFuzzer target for a bounded time.
# Usage: run-fuzz.sh libfuzzer|none TARGET SEED_DIR WORK_DIR SECONDS
# New inputs go to WORK_DIR (in the build tree), never into the repository;
# a crash leaves WORK_DIR/crash-* and fails the test: copy it into SEED_DIR
# once fixed, as a regression input.
set -u
mode=$1 target=$2 seeds=$3 work=$4 seconds=$5

if [ "$mode" != libfuzzer ]; then
	echo "SKIP: $(basename "$target") was built without libFuzzer (it needs clang and its fuzzer runtime," \
		"libclang-rt-14-dev): CXX=clang++ meson setup build-fuzz -Dtests=enabled -Dfuzzing=true;" \
		"its corpus still ran in $(basename "$target")-corpus"
	exit 77
fi
mkdir -p "$work"
# -rss_limit_mb: a parser that allocates without bound is a finding too.
exec "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work" "$seeds"
