// The upload view (admins): drop files, a folder or a zip; each file runs through the pipeline on
// the server (in-process as `jixiao run`, or through the queue as `jixiao submit`); its progress
// and its failure with the error code are listed (API.md: Uploads).
import { $, clear, h, show } from "./dom.js";
import { ApiError, api } from "./api.js";
import { plural, shortHash } from "./format.js";
import { hooks, isAdmin, state } from "./state.js";

const POLL_MS = 1000;
let pollTimer = null;
/** Files being sent (name → "sending" | error), shown above the server's list. */
const sending = new Map();

export function showUploadView(visible) {
  if (visible && !isAdmin()) return;
  state.uploading = visible;
  show($("upload-view"), visible);
  show($("record-pane"), !visible);
  $("upload-button").setAttribute("aria-pressed", String(visible));
  if (visible) void refresh();
}

/** Sends one file as the raw body; the server answers with the uploads it made (a zip: one per file in it). */
async function sendFile(file, name) {
  sending.set(name, { state: "sending", error: null });
  render();
  let res;
  try {
    res = await fetch(`/api/uploads?name=${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "x-csrf-token": state.csrf ?? "", accept: "application/json" },
      body: file,
      credentials: "same-origin",
    });
  } catch (e) {
    sending.set(name, { state: "failed", error: { code: "NETWORK", message: `the server could not be reached (${e.message})` } });
    return;
  }
  if (res.ok) {
    sending.delete(name);
    return;
  }
  let error = null;
  try {
    error = (await res.json())?.error ?? null;
  } catch {
    error = null;
  }
  if (res.status === 401) hooks.sessionLost("Your session has ended. Please sign in again.");
  // The server lists a refused upload itself (with its code); a refusal before that stays here.
  sending.set(name, { state: "failed", error: error ?? { code: `HTTP_${res.status}`, message: res.statusText } });
}

/** Sends files one after the other (the server processes them in that order). */
async function sendAll(entries) {
  for (const { file, name } of entries) {
    await sendFile(file, name);
    void refresh();
  }
  void refresh();
}

/** The files under a dropped folder, with their paths below it (webkitGetAsEntry). */
async function filesOfEntry(entry, prefix = "") {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    return [{ file, name: `${prefix}${entry.name}` }];
  }
  if (!entry.isDirectory) return [];
  const reader = entry.createReader();
  const out = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch) out.push(...(await filesOfEntry(child, `${prefix}${entry.name}/`)));
  }
  return out;
}

async function onDrop(ev) {
  ev.preventDefault();
  $("drop-zone").classList.remove("drag-over");
  const items = [...(ev.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  const entries = items.length
    ? (await Promise.all(items.map((e) => filesOfEntry(e)))).flat()
    : [...(ev.dataTransfer?.files ?? [])].map((file) => ({ file, name: file.name }));
  await sendAll(entries);
}

function onPick(input) {
  // A folder picked with webkitdirectory gives each file its path below the folder's parent.
  const entries = [...input.files].map((file) => ({ file, name: file.webkitRelativePath || file.name }));
  input.value = "";
  void sendAll(entries);
}

let last = { items: [], counts: {}, mode: null, limits: null };

async function refresh() {
  clearTimeout(pollTimer);
  if (!state.uploading) return;
  try {
    last = await api("GET", "/api/uploads");
    $("upload-error").hidden = true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    const el = $("upload-error");
    el.textContent = `The uploads could not be loaded: ${e.code ?? ""} ${e.message}`;
    el.hidden = false;
  }
  render();
  const busy = last.items.some((i) => i.state === "waiting" || i.state === "processing") || [...sending.values()].some((s) => s.state === "sending");
  if (busy) pollTimer = setTimeout(() => void refresh(), POLL_MS);
  // Finished documents change the queue and the documents list.
  else hooks.refreshQueueQuietly();
}

const STATE_TEXT = { waiting: "waiting", processing: "processing", succeeded: "done", partial: "partly read", failed: "failed", skipped: "already stored" };

function progressText(i) {
  if (i.state === "processing") return i.pageCount ? `page ${i.pagesDone} of ${i.pageCount}` : "reading…";
  if (i.state === "succeeded" || i.state === "partial") return plural(i.records, "record");
  if (i.state === "skipped") return `${plural(i.records, "record")}, not extracted again`;
  return "";
}

function itemRow(i) {
  return h(
    "li",
    { class: `upload-item upload-${i.state}`, dataset: { file: i.file, state: i.state } },
    h("span", { class: `doc-status upload-state` }, STATE_TEXT[i.state] ?? i.state),
    h("span", { class: "upload-file", title: i.zip ? `from ${i.zip}` : i.file }, i.file),
    i.sha256 ? h("code", { class: "short-hash", title: i.sha256 }, shortHash(i.sha256)) : null,
    i.state === "processing" && i.pageCount ? h("progress", { class: "upload-progress", max: String(i.pageCount), value: String(i.pagesDone) }) : null,
    h("span", { class: "upload-sub" }, progressText(i)),
    i.error
      ? h("span", { class: "document-error" }, h("span", { class: "chip upload-error-code" }, i.error.code), " ", h("span", { class: "upload-error-message" }, i.error.message ?? ""))
      : null,
  );
}

function render() {
  const list = clear($("upload-list"));
  for (const [name, s] of sending) {
    list.append(itemRow({ file: name, zip: null, state: s.state === "sending" ? "waiting" : "failed", sha256: null, records: 0, pagesDone: 0, pageCount: 0, error: s.error }));
  }
  for (const i of last.items) list.append(itemRow(i));
  const c = last.counts ?? {};
  const parts = Object.entries(c).map(([k, n]) => `${n} ${STATE_TEXT[k] ?? k}`);
  $("upload-summary").textContent = last.items.length ? parts.join(" · ") : "Nothing uploaded yet.";
  $("upload-mode").textContent = last.mode === "queue" ? "Files go to the queue (as jixiao submit): the workers process them." : last.mode ? "Files are processed on this server, one at a time, as jixiao run does." : "";
}

export function wireUploadView() {
  $("upload-button").addEventListener("click", () => showUploadView(!state.uploading));
  $("upload-close").addEventListener("click", () => showUploadView(false));
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    zone.classList.add("drag-over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("drag-over"));
  zone.addEventListener("drop", (ev) => void onDrop(ev));
  $("upload-files").addEventListener("change", (ev) => onPick(ev.target));
  $("upload-folder").addEventListener("change", (ev) => onPick(ev.target));
}
