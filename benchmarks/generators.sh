#!/bin/sh
# Prints how fast each seed generator writes COPY text, in a release build
# (debug builds are several times slower and say nothing about `db seed`).
set -eu
cd "$(dirname "$0")/.."
swift test -c release --filter SeedingTests.GenerationSpeedTests 2>&1 | grep 'rows/s'
