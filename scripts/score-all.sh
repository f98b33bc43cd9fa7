#!/usr/bin/env bash
# Scores a jsonl of predictions against every truth file it covers.
pred=$1; shift
for t in ${TRUTH_DIR:-samples/truth}/*.jsonl; do
  echo "== $(basename $t)"; node ${SCORER:-../shared/eval/score.mjs} --pred "$pred" --truth "$t" "$@" | tail -${TAIL:-4}
done
