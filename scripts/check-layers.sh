#!/bin/sh
# check-layers.sh - the include rule of docs/layers.md, checked on every
# source file (make analyze and make test run it):
#
#   sim/core/    includes only sim/core/
#   sim/truth/   sim/core/, sim/truth/
#   models/      sim/core/, sim/truth/, models/          (never sim/app/)
#   sim/app/     sim/core/, sim/truth/, sim/app/, and of models/ only the
#                facade models/model.h
#
# and the slot rule: only models/policy.c calls a policy's slots, only
# models/repl.c a replication strategy's (everyone else uses the wrappers).
# Prints every violation and exits 1 if there is one.
set -u
cd "$(dirname "$0")/.."
bad=0
allowed() { # layer include -> 0 if allowed
	case "$1:$2" in
	core:sim/core/*) return 0 ;;
	truth:sim/core/* | truth:sim/truth/*) return 0 ;;
	models:sim/core/* | models:sim/truth/* | models:models/*) return 0 ;;
	app:sim/core/* | app:sim/truth/* | app:sim/app/* | app:models/model.h) return 0 ;;
	esac
	return 1
}
for f in sim/core/*.[ch] sim/truth/*.[ch] models/*.[ch] sim/app/*.[ch]; do
	case "$f" in
	sim/core/*) layer=core ;;
	sim/truth/*) layer=truth ;;
	models/*) layer=models ;;
	sim/app/*) layer=app ;;
	esac
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		if ! allowed "$layer" "$inc"; then
			echo "$f: includes $inc, which the $layer layer may not (docs/layers.md)"
			bad=1
		fi
	done
done
# Slots are called through their wrappers only.
for f in models/*.c; do
	[ "$f" = models/policy.c ] && continue
	if grep -n 'policy->\(serve_[a-z]*\|client_[a-z]*\|ctx_drop\|key_init\|key_free\|state\|value\|report\|merge\|copy_[a-z]*\)(' "$f"; then
		echo "$f: calls a policy slot directly; use the policy_* wrapper (models/policy.h)"
		bad=1
	fi
done
for f in models/*.c; do
	[ "$f" = models/repl.c ] && continue
	if grep -n 'repl->[a-z_]*(' "$f"; then
		echo "$f: calls a replication strategy's slot directly; use the repl_* wrapper (models/repl.h)"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "check-layers: the include and slot rules hold"
exit $bad
