// Correcting a value, acknowledging a flag, approving a record.
import { $, clear, h, show } from "./dom.js";
import { api } from "./api.js";
import { fieldType, labelOf, valueOf } from "./fields.js";
import { flagState, formatValue, parseDraft, reviewFlags, toInputText } from "./format.js";
import { flash, showGlobalError } from "./messages.js";
import { canWrite, hooks, state } from "./state.js";

/** Whether the correction being typed (if any) may be dropped: unchanged, or the person says so. */
export function confirmDiscard() {
  const draft = currentDraft();
  const original = state.view && state.focusPath !== null ? toInputText(valueOf(state.focusPath), state.focusPath) : "";
  if (draft === null || draft === original) return true;
  return window.confirm("Discard the correction you are typing?");
}

function currentDraft() {
  if (!state.editing) return null;
  const control = $("edit-slot").querySelector("[data-edit-control]");
  return control ? control.value : null;
}

export function startEdit(draft) {
  if (!state.view || !canWrite() || state.focusPath === null) return;
  const path = state.focusPath;
  const type = fieldType(path);
  const value = draft ?? toInputText(valueOf(path), path);
  const name = labelOf(path) ? `${labelOf(path)} (${path})` : path;
  let control;
  if (type === "boolean") {
    control = h(
      "select",
      { id: "edit-input", "data-edit-control": true, "aria-label": `new value of ${name}` },
      h("option", { value: "" }, "— (empty)"),
      h("option", { value: "true" }, "是 (true)"),
      h("option", { value: "false" }, "否 (false)"),
    );
    control.value = value;
  } else if (type === "number") {
    control = h("input", {
      id: "edit-input",
      "data-edit-control": true,
      type: "text",
      inputmode: "decimal",
      autocomplete: "off",
      "aria-label": `new value of ${name}`,
      placeholder: "a number; empty for none",
    });
    control.value = value;
  } else {
    control = h("textarea", {
      id: "edit-input",
      "data-edit-control": true,
      rows: String(Math.min(8, Math.max(2, Math.ceil(value.length / 40)))),
      "aria-label": `new value of ${name}`,
      placeholder: "text; empty for none",
    });
    control.value = value;
  }
  control.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      void saveEdit();
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation();
      cancelEdit();
    }
  });
  state.editing = true;
  clear($("edit-slot")).append(control);
  show($("edit-error"), false);
  show($("edit-form"), true);
  show($("edit-button"), false);
  control.focus();
  if (control.select && type !== "boolean") control.select();
}

export function cancelEdit() {
  state.editing = false;
  show($("edit-form"), false);
  clear($("edit-slot"));
  show($("edit-error"), false);
  show($("edit-button"), canWrite() && state.focusPath !== null);
  $("edit-button").focus();
}

export async function saveEdit({ acknowledgeChecks = false } = {}) {
  if (!state.editing || state.busy) return;
  const view = state.view;
  const path = state.focusPath;
  const type = fieldType(path);
  const draft = currentDraft() ?? "";
  const parsed = parseDraft(type, draft);
  if (!parsed.ok) return showEditError({ code: "NOT_A_NUMBER", message: parsed.message });
  const expected = valueOf(path) ?? null;
  const body = { path, value: parsed.value, expected };
  if (acknowledgeChecks) body.acknowledgeChecks = true;
  state.busy = true;
  $("edit-save").disabled = true;
  try {
    const next = await api("POST", `${view.url}/corrections`, body);
    state.view = next;
    state.editing = false;
    if (state.flagIndex >= reviewFlags(next.record).length) hooks.selectFlag(0, { render: false });
    hooks.renderRecord();
    flash(`Saved ${labelOf(path) ?? path} (${path}) = ${formatValue(parsed.value, path)}`);
    refreshQueueQuietly();
  } catch (e) {
    showEditError(e, { draft });
  } finally {
    state.busy = false;
    $("edit-save").disabled = false;
  }
}

function showEditError(e, { draft } = {}) {
  const box = clear($("edit-error"));
  box.append(h("p", { class: "error-title" }, h("strong", {}, e.code ?? "ERROR"), ": ", e.message ?? String(e)));
  const details = e.details;
  if (details !== undefined && details !== null) {
    // Failed checks ({checks: [...]}) or schema issues ([{path, message}]) as a list; the raw
    // details stay one click away.
    const items = Array.isArray(details.checks) ? details.checks : Array.isArray(details) ? details : null;
    if (items) {
      box.append(
        h(
          "ul",
          { class: "check-list" },
          items.map((c) =>
            h(
              "li",
              {},
              typeof c === "string"
                ? c
                : [c.code ? h("span", { class: "chip" }, c.code) : null, c.path ? h("code", {}, ` ${c.path}`) : null, " ", c.message ?? JSON.stringify(c)],
            ),
          ),
        ),
      );
      box.append(h("details", { class: "details-raw" }, h("summary", {}, "details"), h("pre", { class: "details" }, JSON.stringify(details, null, 2))));
    } else {
      box.append(h("pre", { class: "details" }, JSON.stringify(details, null, 2)));
    }
  }
  if (e.code === "CHECK_FAILED") {
    box.append(
      h(
        "button",
        { type: "button", id: "acknowledge-button", onclick: () => saveEdit({ acknowledgeChecks: true }) },
        "Save anyway (keep the check's review flag)",
      ),
    );
  }
  if (e.code === "STALE_VALUE") {
    box.append(
      h(
        "button",
        {
          type: "button",
          id: "reload-button",
          onclick: async () => {
            const keep = draft ?? currentDraft();
            try {
              state.view = await api("GET", state.view.url);
              state.editing = false;
              hooks.renderRecord();
              startEdit(keep ?? undefined);
              flash("Reloaded: the stored value is shown; your text is kept in the box.");
            } catch (err) {
              showGlobalError(err);
            }
          },
        },
        "Reload the record (keeps your text)",
      ),
    );
  }
  show(box, true);
}

export async function approve() {
  if (!state.view || !canWrite() || state.busy) return;
  if (state.editing && !confirmDiscard()) return;
  state.busy = true;
  $("approve-button").disabled = true;
  try {
    const next = await api("POST", `${state.view.url}/approve`, {});
    const keepFlag = state.flagIndex;
    const keepFocus = state.focusPath;
    const keepBox = state.boxPath;
    state.view = next;
    state.editing = false;
    state.flagIndex = keepFlag;
    state.focusPath = keepFocus;
    state.boxPath = keepBox;
    hooks.renderRecord();
    flash(`Approved (${next.state}). Press j for the next record.`);
    refreshQueueQuietly();
  } catch (e) {
    showGlobalError(e);
  } finally {
    state.busy = false;
    $("approve-button").disabled = !canWrite();
  }
}

/** Acknowledges one open review flag (the value is right as read); the record view comes back. */
export async function acknowledge(flag) {
  if (!state.view || !canWrite() || state.busy || !flag) return;
  if (state.editing && !confirmDiscard()) return;
  if (!flagState(flag).open) return;
  state.busy = true;
  try {
    const next = await api("POST", `${state.view.url}/flags/acknowledge`, { code: flag.code, path: flag.path, message: flag.message });
    const keep = { flagIndex: state.flagIndex, focusPath: state.focusPath, boxPath: state.boxPath };
    state.view = next;
    state.editing = false;
    Object.assign(state, keep);
    hooks.renderRecord();
    flash(next.openFlags ? `Acknowledged; ${next.openFlags} flag(s) still open.` : `All flags resolved (${next.state}). Press j for the next record.`);
    refreshQueueQuietly();
  } catch (e) {
    showGlobalError(e);
  } finally {
    state.busy = false;
  }
}

export function refreshQueueQuietly() {
  hooks.refreshQueueQuietly();
}

