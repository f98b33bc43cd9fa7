#!/usr/bin/env bash
# Regenerates samples/variants/: report PDFs printed from the expected records in samples/truth/
# with other fonts, column widths, orientations and label placements, each next to the records
# it was rendered from (<name>.jsonl, the truth lines verbatim).
#
# Needs Debian's chromium and CJK fonts:
#   apt-get install -y chromium fonts-noto-cjk fonts-arphic-uming
# Run from anywhere: bash samples/generator/make-variants.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=samples/variants
mkdir -p "$out"
T000=samples/truth/000_f5e7e42ab4334a59.jsonl
T002=samples/truth/002_fe319b84d2aa7d28.jsonl
T004=samples/truth/004_d6b6ad76fc616d0b.jsonl

render() { # name truth [render.mjs flags...]
  local name=$1 truth=$2
  shift 2
  node samples/generator/render.mjs --truth "$truth" --pdf "$out/$name.pdf" --jsonl "$out/$name.jsonl" "$@"
  echo "$out/$name.pdf"
}

# 财政项目支出绩效自评表 (000)
render 000_landscape_noto-sans             "$T000" --reports 0,13 --landscape --font '"Noto Sans CJK SC"'
render 000_landscape_noto-sans_split-label "$T000" --reports 16   --landscape --font '"Noto Sans CJK SC"'
render 000_narrow_label-top_hyphen         "$T000" --reports 3,11,17 --col-widths narrow --label-top --nulls hyphen --numbers grouped
render 000_vertical-label_13pt_slash       "$T000" --reports 0,2,15 --vertical-label --font-size 13 --nulls slash --numbers plain
# 部门（单位）整体支出绩效自评表 (002)
render 002_landscape_noto-sans             "$T002" --landscape --font '"Noto Sans CJK SC"'
render 002_narrow_label-top_12pt           "$T002" --col-widths narrow --label-top --font-size 12
# 项目绩效自评价 (004)
render 004_landscape_noto-sans             "$T004" --reports 1 --landscape --font '"Noto Sans CJK SC"'
render 004_narrow_label-top                "$T004" --reports 0,2 --col-widths narrow --label-top
render 004_vertical-label_13pt             "$T004" --reports 0,1 --vertical-label --font-size 13
