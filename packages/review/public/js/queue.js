// The sidebar: the review queue and the documents that need a person.
import { $, clear, h, show } from "./dom.js";
import { api, ApiError } from "./api.js";
import { confidenceClass, formatConfidence, kindLabel, plural, shortHash } from "./format.js";
import { flash, showGlobalError } from "./messages.js";
import { DOCUMENTS_LIMIT, QUEUE_LIMIT, hooks, state } from "./state.js";

/** Whether a queue item is the record shown (records are addressed by document and ordinal). */
const isShown = (item) => state.view?.documentSha256 === item.documentSha256 && state.view?.ordinal === item.ordinal;

export async function loadFacets() {
  const f = await api("GET", "/api/facets");
  fillSelect($("filter-flag"), f.flagCodes ?? [], state.filters.flag);
  fillSelect($("filter-office"), f.offices ?? [], state.filters.office);
  fillSelect($("filter-year"), f.years ?? [], state.filters.year);
  fillSelect(
    $("filter-kind"),
    (f.kinds ?? []).map((k) => [k, `${kindLabel(k)} (${k})`]),
    state.filters.kind,
  );
}

function fillSelect(select, values, selected) {
  clear(select).append(h("option", { value: "" }, "any"));
  for (const v of values) {
    const [value, label] = Array.isArray(v) ? v : [String(v), String(v)];
    select.append(h("option", { value, selected: value === String(selected) }, label));
  }
}

function queueQuery() {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filters)) if (v !== "") q.set(k, v);
  q.set("limit", String(QUEUE_LIMIT));
  q.set("offset", String(state.offset));
  return q.toString();
}

export async function loadQueue() {
  const data = await api("GET", `/api/queue?${queueQuery()}`);
  state.queue = data;
  renderQueue();
}

export function renderQueue() {
  const { items, total, counts } = state.queue;
  for (const el of document.querySelectorAll("[data-count]")) el.textContent = String(counts?.[el.dataset.count] ?? 0);
  for (const tab of document.querySelectorAll(".state-tab")) {
    tab.classList.toggle("active", tab.dataset.state === state.filters.state);
    tab.setAttribute("aria-pressed", String(tab.dataset.state === state.filters.state));
  }
  const list = clear($("queue-list"));
  items.forEach((item, i) => {
    const flagCodes = [...new Set((item.flags ?? []).map((f) => f.code))];
    const li = h(
      "li",
      { class: "queue-item", dataset: { id: String(item.id) } },
      h(
        "button",
        {
          type: "button",
          class: "queue-open",
          dataset: { id: String(item.id) },
          "aria-current": isShown(item) ? "true" : null,
          onclick: () => hooks.openRecord({ sha256: item.documentSha256, ordinal: item.ordinal }, i),
        },
        h("span", { class: `conf ${confidenceClass(item.confidence)}`, title: "confidence" }, formatConfidence(item.confidence)),
        h("span", { class: "queue-title" }, item.title || "(untitled)"),
        h(
          "span",
          { class: "queue-sub queue-where", title: `${item.file}, record ${item.ordinal} (its ordinal in the file, as in the export); document ${item.documentSha256}` },
          h("span", { class: "queue-file" }, item.file),
          " ",
          h("span", { class: "queue-ordinal" }, `#${item.ordinal}`),
          " ",
          h("code", { class: "short-hash" }, shortHash(item.documentSha256)),
        ),
        h("span", { class: "queue-sub" }, [item.office, item.year].filter((x) => x !== null && x !== undefined && x !== "").join(" · ")),
        h(
          "span",
          { class: "queue-flags" },
          flagCodes.map((c) => h("span", { class: "chip" }, c)),
          item.openFlags ? h("span", { class: "open-count", title: "review flags still open" }, `${item.openFlags} open`) : null,
          h("span", { class: `state-badge state-${item.state}` }, item.state),
        ),
      ),
    );
    list.append(li);
  });
  show($("document-filter"), state.filters.document !== "");
  $("document-filter-file").textContent = state.documentFile ?? `${state.filters.document.slice(0, 12)}…`;
  $("document-filter-clear").title = `Only ${state.documentFile ?? state.filters.document} is shown: click to show the whole queue again`;
  const from = total === 0 ? 0 : state.offset + 1;
  const to = state.offset + items.length;
  $("queue-summary").textContent = total === 0 ? "Nothing to review with these filters." : `${from}–${to} of ${total}`;
  $("page-info").textContent = total > QUEUE_LIMIT ? `${Math.floor(state.offset / QUEUE_LIMIT) + 1} / ${Math.ceil(total / QUEUE_LIMIT)}` : "";
  $("page-prev").disabled = state.offset === 0;
  $("page-next").disabled = state.offset + QUEUE_LIMIT >= total;
}

export async function onFiltersChanged() {
  state.filters.flag = $("filter-flag").value;
  state.filters.office = $("filter-office").value;
  state.filters.year = $("filter-year").value;
  state.filters.kind = $("filter-kind").value;
  state.offset = 0;
  state.queuePos = -1;
  await loadQueue().catch(showGlobalError);
}

export async function setStateFilter(s) {
  state.filters.state = s;
  state.offset = 0;
  state.queuePos = -1;
  await loadQueue().catch(showGlobalError);
}

/** The queue narrowed to one document's records still pending review (the other filters cleared). */
async function narrowToDocument(doc) {
  state.filters = { state: "pending", flag: "", office: "", year: "", kind: "", document: doc.sha256 };
  state.documentFile = doc.file;
  for (const id of ["filter-flag", "filter-office", "filter-year", "filter-kind"]) $(id).value = "";
  state.offset = 0;
  state.queuePos = -1;
  showSidebar("queue");
  try {
    await loadQueue();
  } catch (e) {
    showGlobalError(e);
  }
  renderDocuments();
  ($("queue-list").querySelector(".queue-open") ?? $("document-filter-clear")).focus();
}

export async function clearDocumentFilter() {
  state.filters.document = "";
  state.documentFile = null;
  state.offset = 0;
  state.queuePos = -1;
  try {
    await loadQueue();
  } catch (e) {
    showGlobalError(e);
  }
  renderDocuments();
  ($("queue-list").querySelector(".queue-open") ?? $("show-queue")).focus();
}

export async function turnQueuePage(delta) {
  const next = state.offset + delta * QUEUE_LIMIT;
  if (next < 0 || next >= state.queue.total) return false;
  state.offset = next;
  await loadQueue();
  return true;
}

/** j / k: the next or previous record of the queue. */
export async function step(delta) {
  if (state.busy) return;
  const items = state.queue.items;
  let idx = state.view ? items.findIndex(isShown) : -1;
  if (idx >= 0) idx += delta;
  else if (state.queuePos < 0) idx = delta > 0 ? 0 : items.length - 1;
  // The record shown left the list (approved while the filter is "pending"): the one that took
  // its place is the next.
  else idx = delta > 0 ? state.queuePos : state.queuePos - 1;
  if (idx >= items.length) {
    if (!(await turnQueuePage(1))) return flash("End of the queue.");
    idx = 0;
  } else if (idx < 0) {
    if (!(await turnQueuePage(-1))) return flash("Start of the queue.");
    idx = state.queue.items.length - 1;
  }
  const item = state.queue.items[idx];
  if (item) await hooks.openRecord({ sha256: item.documentSha256, ordinal: item.ordinal }, idx);
}

// ---------------------------------------------------------------------------------------------
// Documents: failed or partial ones (their error; maybe nothing to open) and those with records
// pending review (a click narrows the queue to them).

export function showSidebar(view) {
  state.sidebar = view;
  show($("queue-view"), view === "queue");
  show($("documents-view"), view === "documents");
  $("show-queue").setAttribute("aria-pressed", String(view === "queue"));
  $("show-documents").setAttribute("aria-pressed", String(view === "documents"));
}

let documentsSeq = 0;
async function loadDocuments() {
  const seq = ++documentsSeq;
  const q = new URLSearchParams({ limit: String(DOCUMENTS_LIMIT), offset: String(state.documentsOffset) });
  const data = await api("GET", `/api/documents?${q}`);
  if (seq !== documentsSeq) return; // a later load answers instead
  state.documents = data;
  renderDocuments();
}

/** The document list failing must not stop the queue: its summary says what went wrong. */
export function loadDocumentsQuietly() {
  return loadDocuments().catch((e) => {
    if (e instanceof ApiError && e.status === 401) return;
    const summary = $("documents-summary");
    summary.classList.add("error");
    summary.textContent = `The documents could not be loaded: ${e instanceof ApiError ? `${e.code}: ${e.message}` : (e?.message ?? e)}`;
  });
}


function renderDocuments() {
  const { items, total } = state.documents;
  $("documents-count").textContent = String(total);
  const list = clear($("document-list"));
  for (const doc of items) {
    const pending = doc.pendingRecords ?? 0;
    const sub = [
      pending > 0 ? `${pending} pending` : doc.recordCount ? "nothing pending" : "no record to open",
      plural(doc.recordCount ?? 0, "record"),
      typeof doc.pageCount === "number" ? plural(doc.pageCount, "page") : null,
    ]
      .filter(Boolean)
      .join(" · ");
    const parts = [
      h("span", { class: `doc-status doc-status-${doc.status}` }, doc.status),
      h("span", { class: "document-file", title: doc.file }, doc.file),
      h(
        "span",
        { class: `count document-pending${pending > 0 ? " has-pending" : ""}`, title: `${plural(pending, "record")} pending review` },
        String(pending),
      ),
      h("code", { class: "short-hash document-hash", title: doc.sha256 }, shortHash(doc.sha256)),
      h("span", { class: "document-sub" }, sub),
      doc.sourcePath ? h("span", { class: "document-path", title: "where the file lies on the server" }, doc.sourcePath) : null,
      doc.error
        ? h(
            "span",
            { class: "document-error" },
            h("span", { class: "chip document-error-code" }, doc.error.code),
            " ",
            h("span", { class: "document-error-message" }, doc.error.message ?? ""),
          )
        : null,
    ];
    const current = state.filters.document === doc.sha256;
    const body =
      pending > 0
        ? h(
            "button",
            {
              type: "button",
              class: "document-open",
              title: `Show the ${plural(pending, "record")} of ${doc.file} pending review in the queue`,
              "aria-current": current ? "true" : null,
              onclick: () => narrowToDocument(doc),
            },
            parts,
          )
        : h("div", { class: "document-card" }, parts);
    list.append(h("li", { class: "document-item", dataset: { sha256: doc.sha256, status: doc.status, pending: String(pending) } }, body));
  }
  const summary = $("documents-summary");
  summary.classList.remove("error");
  const from = total === 0 ? 0 : state.documentsOffset + 1;
  const to = state.documentsOffset + items.length;
  summary.textContent = total === 0 ? "No document needs a person." : `${from}–${to} of ${total} documents that need a person`;
  $("documents-page-info").textContent =
    total > DOCUMENTS_LIMIT ? `${Math.floor(state.documentsOffset / DOCUMENTS_LIMIT) + 1} / ${Math.ceil(total / DOCUMENTS_LIMIT)}` : "";
  $("documents-prev").disabled = state.documentsOffset === 0;
  $("documents-next").disabled = state.documentsOffset + DOCUMENTS_LIMIT >= total;
}

export async function turnDocumentsPage(delta) {
  const next = state.documentsOffset + delta * DOCUMENTS_LIMIT;
  if (next < 0 || next >= state.documents.total) return;
  state.documentsOffset = next;
  await loadDocuments();
}

