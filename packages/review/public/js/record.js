// The record view: its flags, the focused field with its form label, its neighbours, the history.
import { $, clear, h, show } from "./dom.js";
import { api } from "./api.js";
import { acknowledge, confirmDiscard } from "./edit.js";
import { boxesFor, fieldOf, fieldType, fieldsUnder, indicatorColumns, isEditablePath, isUnder, labelOf, oneCell, valueOf } from "./fields.js";
import { fieldName, flagDescription, flagState, formatConfidence, kindLabel, recordTitle, resolutionText, reviewFlags, shortHash, valueNode } from "./format.js";
import { showGlobalError } from "./messages.js";
import { pageNotice, renderPage } from "./page.js";
import { canWrite, hooks, state } from "./state.js";

/**
 * Shows a record: `address` is {sha256, ordinal} (the document and the record's ordinal, as the
 * export numbers it) or {id} (a row id, from an old bookmark). The page's address becomes
 * #document=…&ordinal=…, which stays valid when the document is processed again.
 */
export async function openRecord(address, queuePos) {
  if (state.editing && !confirmDiscard()) return;
  state.busy = true;
  try {
    const url = address.id !== undefined ? `/api/records/${address.id}` : `/api/documents/${address.sha256}/records/${address.ordinal}`;
    const view = await api("GET", url);
    state.view = view;
    state.uploading = false;
    show($("upload-view"), false);
    state.queuePos = queuePos ?? state.queue.items.findIndex((i) => i.documentSha256 === view.documentSha256 && i.ordinal === view.ordinal);
    state.editing = false;
    history.replaceState(null, "", `#document=${view.documentSha256}&ordinal=${view.ordinal}`);
    selectFlag(0, { render: false });
    renderRecord();
    hooks.renderQueue();
  } catch (e) {
    showGlobalError(e);
  } finally {
    state.busy = false;
  }
}

export function selectFlag(index, { render = true } = {}) {
  const record = state.view.record;
  const flags = reviewFlags(record);
  state.flagIndex = flags.length ? (index + flags.length) % flags.length : 0;
  const flag = flags[state.flagIndex];
  const path = flag?.path ?? "";
  state.boxPath = path;
  state.focusPath = isEditablePath(path) ? path : (fieldsUnder(path)[0] ?? null);
  const boxes = boxesFor(record, state.boxPath);
  state.page = boxes[0]?.page ?? record.source?.pages?.[0] ?? 1;
  state.editing = false;
  if (render) renderRecord();
}

function focusField(path) {
  if (state.editing && !confirmDiscard()) return;
  state.focusPath = path;
  state.boxPath = path;
  state.editing = false;
  const boxes = boxesFor(state.view.record, path);
  if (boxes.length && !boxes.some((b) => b.page === state.page)) state.page = boxes[0].page;
  renderRecord();
}

export function renderRecord() {
  const view = state.view;
  show($("record-empty"), !view);
  show($("record-view"), !!view);
  if (!view) return;
  const record = view.record;
  $("record-title").textContent = recordTitle(record);
  const office = record.department_name ?? record.competent_department ?? record.budget_unit ?? record.implementing_unit ?? null;
  $("record-meta").textContent = [
    kindLabel(view.kind),
    record.fiscal_year ? `${record.fiscal_year} 年度` : null,
    office,
    `${view.file} · ${shortHash(view.documentSha256)} · record ${view.ordinal}`,
    `confidence ${formatConfidence(record.confidence)}`,
  ]
    .filter(Boolean)
    .join(" · ");
  const badge = $("record-state");
  badge.textContent = view.state;
  badge.className = `state-badge state-${view.state}`;
  $("approve-button").disabled = !canWrite();
  renderFlags();
  renderField();
  renderHistory();
  renderPage().catch((e) => pageNotice(`The page could not be drawn: ${e.message}`));
}

function renderFlags() {
  const record = state.view.record;
  const list = clear($("flag-list"));
  const flags = reviewFlags(record);
  if (!flags.length) list.append(h("li", { class: "muted" }, "No review flags on this record."));
  const open = state.view.openFlags ?? flags.length;
  $("flag-open-count").textContent = flags.length ? `${open} of ${flags.length} open` : "";
  flags.forEach((f, i) => {
    const st = flagState(f);
    list.append(
      h(
        "li",
        { class: st.open ? "flag-open" : "flag-resolved" },
        h(
          "button",
          {
            type: "button",
            class: `flag-item${st.open ? "" : " resolved"}`,
            "aria-current": i === state.flagIndex ? "true" : null,
            dataset: { path: f.path, code: f.code },
            onclick: () => {
              if (state.editing && !confirmDiscard()) return;
              selectFlag(i);
            },
          },
          h("span", { class: "chip", title: flagDescription(f.code) }, f.code),
          f.path !== "" && labelOf(f.path) ? h("span", { class: "field-label" }, labelOf(f.path)) : null,
          h("code", { class: "flag-path" }, f.path === "" ? "(whole record)" : f.paths ? `${f.path} (+${f.paths.length - 1} ${oneCell(f.paths) ? "rows, one cell" : "values of the row"})` : f.path),
          h("span", { class: "flag-msg" }, f.message),
          h("span", { class: `flag-state ${st.open ? "open" : "resolved"}`, title: st.resolution?.at ?? "" }, resolutionText(st.resolution)),
        ),
        st.open && canWrite()
          ? h(
              "button",
              {
                type: "button",
                class: "flag-ack",
                title: "Acknowledge: the value is right as read (c on the current flag)",
                onclick: () => acknowledge(f),
              },
              "Acknowledge",
            )
          : null,
      ),
    );
  });
  // Keep the current flag in sight inside the (scrolling) list, without moving anything else.
  const current = list.querySelector('[aria-current="true"]');
  if (current) {
    const item = current.parentElement;
    if (item.offsetTop < list.scrollTop) list.scrollTop = item.offsetTop;
    else if (item.offsetTop + item.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = item.offsetTop + item.offsetHeight - list.clientHeight;
  }
}

function renderField() {
  const record = state.view.record;
  const path = state.focusPath;
  $("field-label").textContent = path === null ? "" : (labelOf(path) ?? "");
  $("field-path").textContent = path ?? "(no editable field)";
  const flags = reviewFlags(record);
  // The review flags that cover this field (a flag on a row or list covers every field under it).
  // A flag about one cell copied into several rows names them all in `paths`.
  const msgs = flags.filter((f) => path !== null && (f.paths ?? [f.path]).some((p) => isUnder(path, p)));
  const msgEl = clear($("field-flag-message"));
  for (const f of msgs) msgEl.append(h("span", { class: "flag-line" }, h("span", { class: "chip", title: flagDescription(f.code) }, f.code), " ", f.message));
  if (!msgs.length) msgEl.append(h("span", { class: "muted" }, "No review flag on this field."));

  const valueEl = clear($("field-value"));
  if (path !== null) {
    valueEl.append(h("span", { class: "field-type" }, fieldOf(path)?.type ?? fieldType(path)), valueNode(valueOf(path), "big", path));
  }
  show($("edit-button"), canWrite() && path !== null && !state.editing);
  if (!state.editing) {
    show($("edit-form"), false);
    clear($("edit-slot"));
    show($("edit-error"), false);
  }
  renderNeighbours();
}

/** Indicator field: that row and the rows before/after. Other fields: the other scalar fields. */
function renderNeighbours() {
  const record = state.view.record;
  const box = clear($("neighbours"));
  const path = state.focusPath ?? state.boxPath ?? "";
  const flaggedPaths = reviewFlags(record).flatMap((f) => f.paths ?? [f.path]);
  const isFlagged = (p) => flaggedPaths.some((fp) => isUnder(p, fp) && fp !== "");

  const cellButton = (p) =>
    h(
      "button",
      {
        type: "button",
        class: `cell-button${p === state.focusPath ? " focused" : ""}${isFlagged(p) ? " flagged" : ""}`,
        dataset: { path: p },
        title: p,
        onclick: () => focusField(p),
      },
      valueNode(valueOf(p), "", p),
    );

  const focusedField = fieldOf(path);
  if (isUnder(path, "indicators") && Array.isArray(record.indicators) && record.indicators.length) {
    const rows = record.indicators;
    let lo = 0;
    let hi = rows.length - 1;
    let current = -1;
    const row = focusedField?.row ?? null;
    if (typeof row === "number") {
      current = row;
      lo = Math.max(0, current - 1);
      hi = Math.min(rows.length - 1, current + 1);
    }
    const cols = indicatorColumns(record.kind);
    const table = h(
      "table",
      { class: "neighbour-table indicators" },
      h("thead", {}, h("tr", {}, h("th", {}, "#"), cols.map((c) => h("th", { class: `col-${c.key}`, title: c.key }, h("span", { class: "field-label" }, c.label), h("code", { class: "field-path-small" }, c.key))))),
      h(
        "tbody",
        {},
        rows.slice(lo, hi + 1).map((row, k) => {
          const i = lo + k;
          return h(
            "tr",
            { class: i === current ? "current-row" : "", dataset: { row: String(i) } },
            h("th", { scope: "row" }, String(i)),
            cols.map((c) => h("td", { class: `col-${c.key}` }, cellButton(`indicators[${i}].${c.key}`))),
          );
        }),
      ),
    );
    const wrap = h("div", { class: "table-wrap" }, table);
    box.append(wrap);
    // Bring the focused cell into view inside the (horizontally scrolling) table only.
    const focused = wrap.querySelector(".cell-button.focused")?.closest("td");
    if (focused) {
      const left = focused.offsetLeft;
      const right = left + focused.offsetWidth;
      if (right > wrap.scrollLeft + wrap.clientWidth) wrap.scrollLeft = Math.max(0, right - wrap.clientWidth);
      if (left < wrap.scrollLeft) wrap.scrollLeft = left;
    }
    return;
  }

  const paths = fieldsUnder("").filter((p) => !isUnder(p, "indicators"));
  const table = h(
    "table",
    { class: "neighbour-table scalars" },
    h(
      "tbody",
      {},
      paths.map((p) =>
        h("tr", { class: p === state.focusPath ? "current-row" : "" }, h("th", { scope: "row" }, fieldName(p, labelOf(p))), h("td", {}, cellButton(p))),
      ),
    ),
  );
  box.append(h("div", { class: "table-wrap" }, table));
}

function renderHistory() {
  const list = clear($("review-history"));
  const reviews = state.view.reviews ?? [];
  if (!reviews.length) list.append(h("li", { class: "muted" }, "No reviews yet."));
  for (const r of reviews) {
    list.append(
      h(
        "li",
        {},
        h("span", { class: "muted" }, `${r.at ?? ""} ${r.reviewer ?? ""} `),
        r.action === "correct"
          ? [fieldName(r.fieldPath, labelOf(r.fieldPath)), ": ", valueNode(r.before, "", r.fieldPath), " → ", valueNode(r.after, "", r.fieldPath)]
          : r.action === "acknowledge"
            ? ["acknowledged ", h("span", { class: "chip" }, r.flagCode ?? ""), " ", h("code", {}, r.fieldPath === "" ? "(whole record)" : r.fieldPath)]
            : "approved",
      ),
    );
  }
}

