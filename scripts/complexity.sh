#!/usr/bin/env bash
# Complexity gate (xenon, on radon), run by `make test`: no function above cyclomatic complexity 20
# (radon rank C is 11–20) anywhere in the product, the kernel or the tools.
#
# Left out, each for a reason:
#   */tests/*       test modules (fixtures and parametrised tables, not logic);
#   */migrations/*  generated or data migrations, frozen once applied;
#   scripts/demo/*  the demo builders: long, linear scripts that write one realistic school,
#                   read once; splitting them by branch count would scatter the story they tell.
set -euo pipefail
cd "$(dirname "$0")/.."
XENON=.venv/bin/xenon
[ -x "$XENON" ] || XENON=$(command -v xenon)
"$XENON" --max-absolute C --exclude '*/tests/*,*/migrations/*,scripts/demo/*' \
  members welfare congress activities reports union_portal scripts
echo "complexity: no function above CC 20"
