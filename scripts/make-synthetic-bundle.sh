#!/bin/sh
# Regenerates e2e/fixtures/synthetic-run.bundle.json from src/test-utils/synthetic-run.ts (a run with known
# attention for the view tests); the unit test fails when the committed file and the generator disagree.
set -e
cd "$(dirname "$0")/.."
UPDATE_FIXTURES=1 npx vitest run --project unit src/runs/bundle.test.ts
