// The review page of `jixiao serve`: a plain ES module, no build step, no framework.
//
// Safety rules kept throughout: every piece of extracted text reaches the DOM through
// textContent / text nodes (records may hold "<script>" text), no innerHTML, no inline styles in
// markup (the CSP has no 'unsafe-inline'); positions are set through the CSSOM (element.style).
// The contract of the JSON API is packages/review/API.md.

const PDFJS_URL = "/vendor/pdfjs/pdf.min.mjs";
const PDFJS_WORKER_URL = "/vendor/pdfjs/pdf.worker.min.mjs";
const QUEUE_LIMIT = 50;
const DOCUMENTS_LIMIT = 100;

/** Record paths whose last key holds a number (money, weights, scores, rates, counts, year). */
const NUMERIC_KEYS = new Set([
  "fiscal_year",
  "subordinate_units",
  "initial_budget",
  "annual_budget",
  "executed",
  "weight",
  "execution_rate",
  "score",
  "level1_weight",
  "budget_current_year",
  "budget_previous_year",
]);
const BOOLEAN_KEYS = new Set(["recurring"]);
/** Top-level keys that are not value fields (derived or bookkeeping). */
const NOT_EDITABLE_TOP = new Set(["kind", "source", "confidence", "flags", "review"]);

// ---------------------------------------------------------------------------------------------
// State

const state = {
  user: null,
  csrf: null,
  /** `document` is a document's sha256 (the queue narrowed to it), or "". */
  filters: { state: "pending", flag: "", office: "", year: "", kind: "", document: "" },
  /** The file name of the document the queue is narrowed to (for its chip). */
  documentFile: null,
  offset: 0,
  queue: { items: [], total: 0, counts: { pending: 0, approved: 0, corrected: 0 } },
  /** What the sidebar shows: "queue" or "documents". */
  sidebar: "queue",
  /** GET /api/documents: the documents that need a person. */
  documents: { items: [], total: 0 },
  documentsOffset: 0,
  /** Position in queue.items of the record shown (kept when the record leaves the list). */
  queuePos: -1,
  /** The record view (GET /api/records/:id) shown, or null. */
  view: null,
  flagIndex: 0,
  /** The scalar field path inspected / edited. */
  focusPath: null,
  /** The path whose provenance box is drawn (a flag's path, or a field picked by hand). */
  boxPath: null,
  /** Page number shown. */
  page: null,
  zoom: 1,
  editing: false,
  busy: false,
};

// ---------------------------------------------------------------------------------------------
// DOM helpers

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
};

/**
 * Builds an element. Strings among the children become text nodes, so text is never parsed as
 * HTML. `style` and `innerHTML` are refused on purpose.
 */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "style" || k === "innerHTML" || k === "outerHTML") throw new Error(`h(): ${k} is not allowed`);
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "value" || k === "checked" || k === "selected" || k === "disabled") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function clear(el) {
  el.replaceChildren();
  return el;
}

function show(el, visible) {
  el.hidden = !visible;
}

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? `HTTP_${status}`;
    this.details = error?.details;
  }
}

async function api(method, url, body) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && method !== "HEAD" && state.csrf) headers["x-csrf-token"] = state.csrf;
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (e) {
    throw new ApiError(0, { code: "NETWORK", message: `the server could not be reached (${e.message})` });
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data?.error);
    if (res.status === 401 && !(method === "POST" && url === "/api/session") && state.user) {
      sessionLost("Your session has ended. Please sign in again.");
    }
    throw err;
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// Record paths: "indicators[3].score" ⇄ ["indicators", 3, "score"]

function parsePath(path) {
  if (path === "") return [];
  const segs = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m;
  while ((m = re.exec(path))) segs.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return segs;
}

function joinPath(segs) {
  let out = "";
  for (const s of segs) out += typeof s === "number" ? `[${s}]` : out === "" ? s : `.${s}`;
  return out;
}

function getAt(obj, path) {
  let cur = obj;
  for (const s of parsePath(path)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[s];
  }
  return cur;
}

const lastKey = (path) => {
  const segs = parsePath(path);
  for (let i = segs.length - 1; i >= 0; i--) if (typeof segs[i] === "string") return segs[i];
  return "";
};

function isEditablePath(record, path) {
  const segs = parsePath(path);
  if (segs.length === 0 || NOT_EDITABLE_TOP.has(segs[0])) return false;
  const key = lastKey(path);
  if (typeof segs[segs.length - 1] !== "string") return false;
  if (segs[0] === "indicators" && (key === "confidence" || key.endsWith("_parsed"))) return false;
  const v = getAt(record, path);
  if (v === undefined) return false;
  return v === null || typeof v !== "object";
}

/** "number" | "boolean" | "text": the JSON type a correction of this field must have. */
function fieldType(record, path) {
  const key = lastKey(path);
  if (NUMERIC_KEYS.has(key)) return "number";
  if (BOOLEAN_KEYS.has(key)) return "boolean";
  const v = getAt(record, path);
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "boolean";
  return "text";
}

/** Every editable scalar path at or under `path`, in record order. */
function scalarPathsUnder(record, path) {
  const out = [];
  const walk = (value, segs) => {
    const p = joinPath(segs);
    if (value !== null && typeof value === "object") {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...segs, i]));
      else for (const [k, v] of Object.entries(value)) walk(v, [...segs, k]);
    } else if (isEditablePath(record, p)) out.push(p);
  };
  walk(path === "" ? record : getAt(record, path), parsePath(path));
  return out;
}

/** Does `path` lie at or under `prefix` ("" covers everything)? */
function isUnder(path, prefix) {
  if (prefix === "") return true;
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** The union box of every provenance entry at or under `path`, one per page. */
function boxesFor(record, path) {
  const prov = record?.source?.provenance ?? {};
  const byPage = new Map();
  for (const [key, list] of Object.entries(prov)) {
    if (!isUnder(key, path)) continue;
    for (const p of list) {
      const b = p.bbox;
      const cur = byPage.get(p.page);
      if (!cur) byPage.set(p.page, { page: p.page, unit: p.unit, x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 });
      else {
        cur.x0 = Math.min(cur.x0, b.x0);
        cur.y0 = Math.min(cur.y0, b.y0);
        cur.x1 = Math.max(cur.x1, b.x1);
        cur.y1 = Math.max(cur.y1, b.y1);
      }
    }
  }
  return [...byPage.values()].sort((a, b) => a.page - b.page);
}

// ---------------------------------------------------------------------------------------------
// Formatting

function formatValue(v) {
  if (v === null || v === undefined) return "—";
  if (v === true) return "是 (true)";
  if (v === false) return "否 (false)";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function valueNode(v, extraClass = "") {
  const cls = `value ${v === null || v === undefined ? "null-value" : `${typeof v}-value`} ${extraClass}`.trim();
  return h("span", { class: cls }, formatValue(v));
}

function confidenceClass(c) {
  if (c >= 0.9) return "conf-high";
  if (c >= 0.7) return "conf-mid";
  return "conf-low";
}

function formatConfidence(c) {
  return typeof c === "number" ? c.toFixed(2) : "—";
}

const kindLabels = {
  project_self_eval: "财政项目支出绩效自评表",
  department_self_eval: "部门（单位）整体支出绩效自评表",
  project_self_assessment: "项目绩效自评价",
};

function recordTitle(record) {
  return record.project_name ?? record.department_name ?? "(untitled)";
}

/** A review flag's state from the record view (API.md: reviewFlags): open, or resolved how, by whom. */
function flagState(f) {
  const states = state.view?.reviewFlags ?? [];
  const s = states.find((x) => x.code === f.code && x.path === f.path && x.message === f.message);
  return s ?? { open: true, resolution: null };
}

function resolutionText(r) {
  if (!r) return "open";
  const how = { corrected: "corrected", acknowledged: "acknowledged", approved: "approved" }[r.how] ?? r.how;
  return `${how} by ${r.by}`;
}

function reviewFlags(record) {
  return (record.flags ?? []).filter((f) => f.severity === "review");
}

// ---------------------------------------------------------------------------------------------
// Session

async function start() {
  wireStaticHandlers();
  try {
    const s = await api("GET", "/api/session");
    signedIn(s);
  } catch (e) {
    showLogin(e instanceof ApiError && e.status === 401 ? "" : e.message);
  }
}

function showLogin(message) {
  state.user = null;
  state.csrf = null;
  show($("app-view"), false);
  show($("whoami"), false);
  show($("login-view"), true);
  const err = $("login-error");
  err.textContent = message ?? "";
  show(err, !!message);
  $("login-name").focus();
}

function sessionLost(message) {
  state.view = null;
  state.editing = false;
  showLogin(message);
}

async function onLogin(ev) {
  ev.preventDefault();
  const name = $("login-name").value.trim();
  const password = $("login-password").value;
  const token = $("login-token").value.trim();
  const body = token ? { token } : { name, password };
  const err = $("login-error");
  show(err, false);
  $("login-submit").disabled = true;
  try {
    const s = await api("POST", "/api/session", body);
    $("login-password").value = "";
    $("login-token").value = "";
    await signedIn(s);
  } catch (e) {
    err.textContent = e.status === 401 ? "Wrong name, password or token." : `${e.code}: ${e.message}`;
    show(err, true);
  } finally {
    $("login-submit").disabled = false;
  }
}

async function signedIn(s) {
  state.user = s.user;
  state.csrf = s.csrfToken;
  $("user-name").textContent = s.user.name;
  $("user-role").textContent = s.user.role;
  document.body.classList.toggle("read-only", !canWrite());
  show($("login-view"), false);
  show($("whoami"), true);
  show($("app-view"), true);
  await Promise.all([loadFacets(), loadQueue(), loadDocumentsQuietly()]);
  const m = /^#record=(\d+)$/.exec(location.hash);
  if (m) await openRecord(Number(m[1]));
}

function canWrite() {
  return state.user?.role === "admin" || state.user?.role === "reviewer";
}

async function onLogout() {
  try {
    await api("DELETE", "/api/session");
  } catch {
    // The session is gone either way.
  }
  history.replaceState(null, "", location.pathname);
  sessionLost("");
}

// ---------------------------------------------------------------------------------------------
// Queue

async function loadFacets() {
  const f = await api("GET", "/api/facets");
  fillSelect($("filter-flag"), f.flagCodes ?? [], state.filters.flag);
  fillSelect($("filter-office"), f.offices ?? [], state.filters.office);
  fillSelect($("filter-year"), f.years ?? [], state.filters.year);
  fillSelect(
    $("filter-kind"),
    (f.kinds ?? []).map((k) => [k, kindLabels[k] ? `${kindLabels[k]} (${k})` : k]),
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

async function loadQueue() {
  const data = await api("GET", `/api/queue?${queueQuery()}`);
  state.queue = data;
  renderQueue();
}

function renderQueue() {
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
          "aria-current": state.view?.id === item.id ? "true" : null,
          onclick: () => openRecord(item.id, i),
        },
        h("span", { class: `conf ${confidenceClass(item.confidence)}`, title: "confidence" }, formatConfidence(item.confidence)),
        h("span", { class: "queue-title" }, item.title || "(untitled)"),
        h("span", { class: "queue-sub" }, `${item.file} #${item.ordinal + 1}`),
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

async function onFiltersChanged() {
  state.filters.flag = $("filter-flag").value;
  state.filters.office = $("filter-office").value;
  state.filters.year = $("filter-year").value;
  state.filters.kind = $("filter-kind").value;
  state.offset = 0;
  state.queuePos = -1;
  await loadQueue().catch(showGlobalError);
}

async function setStateFilter(s) {
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

async function clearDocumentFilter() {
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

async function turnQueuePage(delta) {
  const next = state.offset + delta * QUEUE_LIMIT;
  if (next < 0 || next >= state.queue.total) return false;
  state.offset = next;
  await loadQueue();
  return true;
}

/** j / k: the next or previous record of the queue. */
async function step(delta) {
  if (state.busy) return;
  const items = state.queue.items;
  let idx = state.view ? items.findIndex((i) => i.id === state.view.id) : -1;
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
  if (item) await openRecord(item.id, idx);
}

// ---------------------------------------------------------------------------------------------
// Documents: failed or partial ones (their error; maybe nothing to open) and those with records
// pending review (a click narrows the queue to them).

function showSidebar(view) {
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
function loadDocumentsQuietly() {
  return loadDocuments().catch((e) => {
    if (e instanceof ApiError && e.status === 401) return;
    const summary = $("documents-summary");
    summary.classList.add("error");
    summary.textContent = `The documents could not be loaded: ${e instanceof ApiError ? `${e.code}: ${e.message}` : (e?.message ?? e)}`;
  });
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

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
      h("span", { class: "document-sub" }, sub),
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

async function turnDocumentsPage(delta) {
  const next = state.documentsOffset + delta * DOCUMENTS_LIMIT;
  if (next < 0 || next >= state.documents.total) return;
  state.documentsOffset = next;
  await loadDocuments();
}

// ---------------------------------------------------------------------------------------------
// Record view

async function openRecord(id, queuePos) {
  if (state.editing && !confirmDiscard()) return;
  state.busy = true;
  try {
    const view = await api("GET", `/api/records/${id}`);
    state.view = view;
    state.queuePos = queuePos ?? state.queue.items.findIndex((i) => i.id === id);
    state.editing = false;
    history.replaceState(null, "", `#record=${id}`);
    selectFlag(0, { render: false });
    renderRecord();
    renderQueue();
  } catch (e) {
    showGlobalError(e);
  } finally {
    state.busy = false;
  }
}

function confirmDiscard() {
  const draft = currentDraft();
  const original = state.view ? toInputText(getAt(state.view.record, state.focusPath)) : "";
  if (draft === null || draft === original) return true;
  return window.confirm("Discard the correction you are typing?");
}

function selectFlag(index, { render = true } = {}) {
  const record = state.view.record;
  const flags = reviewFlags(record);
  state.flagIndex = flags.length ? (index + flags.length) % flags.length : 0;
  const flag = flags[state.flagIndex];
  const path = flag?.path ?? "";
  state.boxPath = path;
  state.focusPath = isEditablePath(record, path) ? path : (scalarPathsUnder(record, path)[0] ?? null);
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

function renderRecord() {
  const view = state.view;
  show($("record-empty"), !view);
  show($("record-view"), !!view);
  if (!view) return;
  const record = view.record;
  $("record-title").textContent = recordTitle(record);
  const office = record.department_name ?? record.competent_department ?? record.budget_unit ?? record.implementing_unit ?? null;
  $("record-meta").textContent = [
    kindLabels[view.kind] ?? view.kind,
    record.fiscal_year ? `${record.fiscal_year} 年度` : null,
    office,
    `${view.file} · report ${view.ordinal + 1}`,
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
          h("span", { class: "chip" }, f.code),
          h("code", { class: "flag-path" }, f.path === "" ? "(whole record)" : f.paths ? `${f.path} (+${f.paths.length - 1} rows, one cell)` : f.path),
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
  $("field-path").textContent = path ?? "(no editable field)";
  const flags = reviewFlags(record);
  // The review flags that cover this field (a flag on a row or list covers every field under it).
  // A flag about one cell copied into several rows names them all in `paths`.
  const msgs = flags.filter((f) => path !== null && (f.paths ?? [f.path]).some((p) => isUnder(path, p)));
  const msgEl = clear($("field-flag-message"));
  for (const f of msgs) msgEl.append(h("span", { class: "flag-line" }, h("span", { class: "chip" }, f.code), " ", f.message));
  if (!msgs.length) msgEl.append(h("span", { class: "muted" }, "No review flag on this field."));

  const valueEl = clear($("field-value"));
  if (path !== null) {
    valueEl.append(h("span", { class: "field-type" }, fieldType(record, path)), valueNode(getAt(record, path), "big"));
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
  const segs = parsePath(path);
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
      valueNode(getAt(record, p)),
    );

  if (segs[0] === "indicators" && Array.isArray(record.indicators) && record.indicators.length) {
    const rows = record.indicators;
    let lo = 0;
    let hi = rows.length - 1;
    let current = -1;
    if (typeof segs[1] === "number") {
      current = segs[1];
      lo = Math.max(0, current - 1);
      hi = Math.min(rows.length - 1, current + 1);
    }
    const cols = Object.keys(rows[0]).filter((k) => isEditablePath(record, `indicators[0].${k}`) || rows.some((r, i) => isEditablePath(record, `indicators[${i}].${k}`)));
    const table = h(
      "table",
      { class: "neighbour-table indicators" },
      h("thead", {}, h("tr", {}, h("th", {}, "#"), cols.map((c) => h("th", { class: `col-${c}` }, c)))),
      h(
        "tbody",
        {},
        rows.slice(lo, hi + 1).map((row, k) => {
          const i = lo + k;
          return h(
            "tr",
            { class: i === current ? "current-row" : "", dataset: { row: String(i) } },
            h("th", { scope: "row" }, String(i)),
            cols.map((c) => h("td", { class: `col-${c}` }, cellButton(`indicators[${i}].${c}`))),
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

  const paths = scalarPathsUnder(record, "").filter((p) => !isUnder(p, "indicators"));
  const table = h(
    "table",
    { class: "neighbour-table scalars" },
    h(
      "tbody",
      {},
      paths.map((p) =>
        h("tr", { class: p === state.focusPath ? "current-row" : "" }, h("th", { scope: "row" }, h("code", {}, p)), h("td", {}, cellButton(p))),
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
          ? [h("code", {}, r.fieldPath), ": ", valueNode(r.before), " → ", valueNode(r.after)]
          : r.action === "acknowledge"
            ? ["acknowledged ", h("span", { class: "chip" }, r.flagCode ?? ""), " ", h("code", {}, r.fieldPath === "" ? "(whole record)" : r.fieldPath)]
            : "approved",
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Page rendering (pdf.js for PDFs; a scanned PNG/JPEG is drawn as it is) and the value box

let pdfjsPromise = null;
let pdfDoc = { url: null, promise: null };
/** The decoded scan image of the last image source shown (one page). */
let scanImage = { url: null, promise: null };
let renderTask = null;
let renderSeq = 0;
/** Source types drawn from a decoded image rather than by pdf.js (API.md: source.type). */
const IMAGE_SOURCE_TYPES = new Set(["png", "jpeg"]);

function loadPdfjs() {
  pdfjsPromise ??= import(PDFJS_URL).then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = PDFJS_WORKER_URL;
    return lib;
  });
  return pdfjsPromise;
}

async function getPdf(url) {
  if (pdfDoc.url !== url) {
    const old = pdfDoc.promise;
    const lib = await loadPdfjs();
    const task = lib.getDocument({
      url,
      isEvalSupported: false,
      cMapUrl: "/vendor/pdfjs/cmaps/",
      cMapPacked: true,
      standardFontDataUrl: "/vendor/pdfjs/standard_fonts/",
      withCredentials: true,
    });
    pdfDoc = { url, promise: task.promise };
    old?.then((d) => d.destroy()).catch(() => {});
  }
  return pdfDoc.promise;
}

/**
 * The scanned image behind `url`, decoded once (zooming and resizing draw it again). Fetched
 * same-origin with the session cookie; an HTTP error says the API's code and message. EXIF
 * orientation is ignored: the OCR read the pixels as stored, and the boxes are in those pixels.
 */
function getScanImage(url) {
  if (scanImage.url !== url) {
    const old = scanImage.promise;
    const promise = (async () => {
      let res;
      try {
        res = await fetch(url, { credentials: "same-origin", headers: { accept: "image/png, image/jpeg" } });
      } catch (e) {
        throw new Error(`the server could not be reached (${e.message})`);
      }
      if (!res.ok) {
        let error = null;
        try {
          error = (await res.json())?.error ?? null;
        } catch {
          error = null;
        }
        throw new Error(error ? `${error.code}: ${error.message}` : `HTTP ${res.status}`);
      }
      const blob = await res.blob();
      try {
        return await createImageBitmap(blob, { imageOrientation: "none" });
      } catch {
        throw new Error("the image could not be decoded");
      }
    })();
    scanImage = { url, promise };
    old?.then((b) => b.close()).catch(() => {});
  }
  return scanImage.promise;
}

function pageNotice(text) {
  const el = $("page-notice");
  el.textContent = text ?? "";
  show(el, !!text);
}

/** No page image for this record: hide the sheet (the notice says why). */
function noPageImage() {
  renderTask?.cancel();
  renderTask = null;
  const canvas = $("page-canvas");
  canvas.dataset.rendered = "false";
  canvas.dataset.key = "";
  $("page-stage").hidden = true;
}

function pageGeometry(number) {
  return (state.view.pages ?? []).find((p) => p.number === number) ?? null;
}

async function renderPage() {
  const seq = ++renderSeq;
  const view = state.view;
  const record = view.record;
  const canvas = $("page-canvas");
  const overlay = clear($("page-overlay"));
  const pageNumbers = [...new Set([...(record.source?.pages ?? []), ...(view.pages ?? []).map((p) => p.number)])].sort((a, b) => a - b);
  const idx = pageNumbers.indexOf(state.page);
  $("page-label").textContent = pageNumbers.length ? `page ${state.page}` : "";
  $("page-back").disabled = idx <= 0;
  $("page-forward").disabled = idx < 0 || idx >= pageNumbers.length - 1;
  $("zoom-label").textContent = `${Math.round(state.zoom * 100)}%`;

  const geometry = pageGeometry(state.page);
  const unit = geometry?.unit ?? Object.values(record.source?.provenance ?? {})[0]?.[0]?.unit;
  if (unit === "grid") {
    noPageImage();
    pageNotice("This record comes from a text dump: there is no page image to show. Check the value against the source and edit it here.");
    return;
  }
  if (!view.source?.available) {
    noPageImage();
    pageNotice("The source file of this record is not available on this server, so the page cannot be shown. You can still edit the values.");
    return;
  }
  const scroller = $("page-scroller");
  const key = `${view.source.url}|${state.page}|${state.zoom}|${scroller.clientWidth}|${window.devicePixelRatio || 1}`;
  if (canvas.dataset.key === key && canvas.dataset.rendered === "true" && !$("page-stage").hidden) {
    // Same page at the same size: only the boxes change.
    pageNotice("");
    drawBoxes(overlay);
    return;
  }
  canvas.dataset.rendered = "false";
  canvas.dataset.key = "";
  pageNotice("Loading the page…");
  renderTask?.cancel();
  renderTask = null;
  const type = view.source.type ?? "pdf";
  if (IMAGE_SOURCE_TYPES.has(type)) {
    await renderImagePage(seq, key, overlay);
    return;
  }
  if (type !== "pdf") {
    noPageImage();
    pageNotice(`The source file is a ${type}, which this page cannot show. You can still edit the values.`);
    return;
  }
  let doc;
  try {
    doc = await getPdf(view.source.url);
  } catch (e) {
    if (seq !== renderSeq) return;
    noPageImage();
    pageNotice(`The source file could not be loaded (${e.message}). You can still edit the values.`);
    pdfDoc = { url: null, promise: null };
    return;
  }
  if (seq !== renderSeq) return;
  if (state.page < 1 || state.page > doc.numPages) {
    noPageImage();
    pageNotice(`The source has ${doc.numPages} pages; page ${state.page} is not among them.`);
    return;
  }
  const page = await doc.getPage(state.page);
  if (seq !== renderSeq) return;
  const base = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: fitScale(base.width) });
  const dpr = sizeCanvas(viewport.width, viewport.height);
  const task = page.render({
    canvas,
    canvasContext: canvas.getContext("2d"),
    viewport,
    transform: dpr !== 1 ? [dpr, 0, 0, dpr, 0, 0] : undefined,
  });
  renderTask = task;
  try {
    await task.promise;
  } catch (e) {
    if (e?.name === "RenderingCancelledException") return;
    throw e;
  }
  if (seq !== renderSeq) return;
  pageRendered(key, overlay);
}

/**
 * A scanned PNG/JPEG source: one page, drawn at the same fit-to-width × zoom size as a PDF page.
 * Its boxes are in pixels of the image (`pages[0]`), so they land as fractions of it.
 */
async function renderImagePage(seq, key, overlay) {
  const url = state.view.source.url;
  let bitmap;
  try {
    bitmap = await getScanImage(url);
  } catch (e) {
    if (seq !== renderSeq) return;
    noPageImage();
    pageNotice(`The source file could not be loaded (${e.message}). You can still edit the values.`);
    if (scanImage.url === url) scanImage = { url: null, promise: null };
    return;
  }
  if (seq !== renderSeq) return;
  if (state.page !== 1) {
    noPageImage();
    pageNotice(`The source is a single scanned image; page ${state.page} is not in it.`);
    return;
  }
  // The image's own size gives the sheet's shape; the recorded page size is the same image's.
  const scale = fitScale(bitmap.width);
  sizeCanvas(bitmap.width * scale, bitmap.height * scale);
  const canvas = $("page-canvas");
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  // Opaque paper like a PDF page, whatever transparency the image has.
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  pageRendered(key, overlay);
}

/** Scale from the page's own size (pt for a PDF, px for an image) to the shown size: fit the pane's width, times the zoom. */
function fitScale(baseWidth) {
  return (Math.max(200, $("page-scroller").clientWidth - 24) / baseWidth) * state.zoom;
}

/** Sizes the canvas (device pixels) and the sheet (CSS pixels) for a page shown `width` × `height` CSS px; returns the device pixel ratio. */
function sizeCanvas(width, height) {
  const canvas = $("page-canvas");
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.floor(width * dpr);
  canvas.height = Math.floor(height * dpr);
  canvas.style.width = `${Math.floor(width)}px`;
  canvas.style.height = `${Math.floor(height)}px`;
  const stage = $("page-stage");
  stage.style.width = canvas.style.width;
  stage.style.height = canvas.style.height;
  stage.hidden = false;
  canvas.hidden = false;
  return dpr;
}

/** The page is drawn: mark the canvas (tests and the same-page shortcut read these) and add the boxes. */
function pageRendered(key, overlay) {
  const canvas = $("page-canvas");
  canvas.dataset.page = String(state.page);
  canvas.dataset.key = key;
  canvas.dataset.rendered = "true";
  pageNotice("");
  drawBoxes(overlay);
}

/**
 * A scan's boxes are in the image OCR straightened (rotated by −skew about its centre, size
 * kept); the page shows the image as scanned, so the box's corners are turned back by +skew and
 * the box drawn around them.
 */
function unskew(b, geometry) {
  const s = ((geometry.skewDegrees ?? 0) * Math.PI) / 180;
  if (!s) return b;
  const cx = (geometry.width - 1) / 2;
  const cy = (geometry.height - 1) / 2;
  const cos = Math.cos(s);
  const sin = Math.sin(s);
  const xs = [];
  const ys = [];
  for (const [x, y] of [[b.x0, b.y0], [b.x1, b.y0], [b.x0, b.y1], [b.x1, b.y1]]) {
    const dx = x - cx;
    const dy = y - cy;
    xs.push(cx + dx * cos - dy * sin);
    ys.push(cy + dx * sin + dy * cos);
  }
  return { ...b, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

function drawBoxes(overlay) {
  const record = state.view.record;
  const path = state.boxPath ?? "";
  let boxes = boxesFor(record, path);
  let drawnPath = path;
  if (!boxes.length && state.focusPath && state.focusPath !== path) {
    boxes = boxesFor(record, state.focusPath);
    drawnPath = state.focusPath;
  }
  if (!boxes.length) {
    pageNotice("No position was recorded for this field.");
    return;
  }
  const onPage = boxes.filter((b) => b.page === state.page);
  if (!onPage.length) {
    pageNotice(`The value is on page ${boxes.map((b) => b.page).join(", ")}.`);
    return;
  }
  const geometry = pageGeometry(state.page);
  if (!geometry || !(geometry.width > 0) || !(geometry.height > 0)) {
    pageNotice("The page size is unknown, so the value's box cannot be drawn.");
    return;
  }
  for (const raw of onPage) {
    const b = unskew(raw, geometry);
    const el = h("div", { class: "value-box", dataset: { path: drawnPath, page: String(b.page) }, title: drawnPath });
    const pct = (v) => `${Math.min(100, Math.max(0, v * 100)).toFixed(4)}%`;
    el.style.left = pct(b.x0 / geometry.width);
    el.style.top = pct(b.y0 / geometry.height);
    el.style.width = pct((b.x1 - b.x0) / geometry.width);
    el.style.height = pct((b.y1 - b.y0) / geometry.height);
    overlay.append(el);
  }
  scrollToBox(overlay.querySelector(".value-box"));
}

/** Scrolls the page pane (only it: scrollIntoView would move the whole layout) to centre the box. */
function scrollToBox(box) {
  if (!box) return;
  const scroller = $("page-scroller");
  const stage = $("page-stage");
  const top = stage.offsetTop + box.offsetTop + box.offsetHeight / 2 - scroller.clientHeight / 2;
  const left = stage.offsetLeft + box.offsetLeft + box.offsetWidth / 2 - scroller.clientWidth / 2;
  scroller.scrollTo({ top: Math.max(0, top), left: Math.max(0, left) });
}

function changePage(delta) {
  const record = state.view?.record;
  if (!record) return;
  const pages = [...new Set([...(record.source?.pages ?? []), ...(state.view.pages ?? []).map((p) => p.number)])].sort((a, b) => a - b);
  const idx = pages.indexOf(state.page);
  const next = pages[idx + delta];
  if (next === undefined) return;
  state.page = next;
  renderPage().catch((e) => pageNotice(`The page could not be drawn: ${e.message}`));
}

function changeZoom(factor) {
  state.zoom = Math.min(4, Math.max(0.5, state.zoom * factor));
  if (state.view) renderPage().catch((e) => pageNotice(`The page could not be drawn: ${e.message}`));
}

// ---------------------------------------------------------------------------------------------
// Editing

function toInputText(v) {
  if (v === null || v === undefined) return "";
  return String(v);
}

function currentDraft() {
  if (!state.editing) return null;
  const control = $("edit-slot").querySelector("[data-edit-control]");
  return control ? control.value : null;
}

function startEdit(draft) {
  if (!state.view || !canWrite() || state.focusPath === null) return;
  const record = state.view.record;
  const path = state.focusPath;
  const type = fieldType(record, path);
  const current = getAt(record, path);
  const value = draft ?? toInputText(current);
  let control;
  if (type === "boolean") {
    control = h(
      "select",
      { id: "edit-input", "data-edit-control": true, "aria-label": `new value of ${path}` },
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
      "aria-label": `new value of ${path}`,
      placeholder: "a number; empty for none",
    });
    control.value = value;
  } else {
    control = h("textarea", {
      id: "edit-input",
      "data-edit-control": true,
      rows: String(Math.min(8, Math.max(2, Math.ceil(value.length / 40)))),
      "aria-label": `new value of ${path}`,
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

function cancelEdit() {
  state.editing = false;
  show($("edit-form"), false);
  clear($("edit-slot"));
  show($("edit-error"), false);
  show($("edit-button"), canWrite() && state.focusPath !== null);
  $("edit-button").focus();
}

/** The typed value: numbers for numeric fields, booleans for yes/no, strings for text; empty → null. */
function parseDraft(type, text) {
  if (type === "boolean") return { ok: true, value: text === "" ? null : text === "true" };
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: null };
  if (type === "number") {
    const normalized = trimmed
      .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
      .replace(/[．]/g, ".")
      .replace(/[,，\s]/g, "");
    const n = Number(normalized);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalized) || !Number.isFinite(n)) {
      return { ok: false, message: `"${trimmed}" is not a number.` };
    }
    return { ok: true, value: n };
  }
  return { ok: true, value: trimmed };
}

async function saveEdit({ acknowledgeChecks = false } = {}) {
  if (!state.editing || state.busy) return;
  const view = state.view;
  const path = state.focusPath;
  const type = fieldType(view.record, path);
  const draft = currentDraft() ?? "";
  const parsed = parseDraft(type, draft);
  if (!parsed.ok) return showEditError({ code: "NOT_A_NUMBER", message: parsed.message });
  const expected = getAt(view.record, path) ?? null;
  const body = { path, value: parsed.value, expected };
  if (acknowledgeChecks) body.acknowledgeChecks = true;
  state.busy = true;
  $("edit-save").disabled = true;
  try {
    const next = await api("POST", `/api/records/${view.id}/corrections`, body);
    state.view = next;
    state.editing = false;
    if (state.flagIndex >= reviewFlags(next.record).length) selectFlag(0, { render: false });
    renderRecord();
    flash(`Saved ${path} = ${formatValue(parsed.value)}`);
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
              state.view = await api("GET", `/api/records/${state.view.id}`);
              state.editing = false;
              renderRecord();
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

async function approve() {
  if (!state.view || !canWrite() || state.busy) return;
  if (state.editing && !confirmDiscard()) return;
  state.busy = true;
  $("approve-button").disabled = true;
  try {
    const next = await api("POST", `/api/records/${state.view.id}/approve`, {});
    const keepFlag = state.flagIndex;
    const keepFocus = state.focusPath;
    const keepBox = state.boxPath;
    state.view = next;
    state.editing = false;
    state.flagIndex = keepFlag;
    state.focusPath = keepFocus;
    state.boxPath = keepBox;
    renderRecord();
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
async function acknowledge(flag) {
  if (!state.view || !canWrite() || state.busy || !flag) return;
  if (state.editing && !confirmDiscard()) return;
  if (!flagState(flag).open) return;
  state.busy = true;
  try {
    const next = await api("POST", `/api/records/${state.view.id}/flags/acknowledge`, { code: flag.code, path: flag.path, message: flag.message });
    const keep = { flagIndex: state.flagIndex, focusPath: state.focusPath, boxPath: state.boxPath };
    state.view = next;
    state.editing = false;
    Object.assign(state, keep);
    renderRecord();
    flash(next.openFlags ? `Acknowledged; ${next.openFlags} flag(s) still open.` : `All flags resolved (${next.state}). Press j for the next record.`);
    refreshQueueQuietly();
  } catch (e) {
    showGlobalError(e);
  } finally {
    state.busy = false;
  }
}

function refreshQueueQuietly() {
  Promise.all([loadQueue(), loadFacets()]).catch(showGlobalError);
  void loadDocumentsQuietly();
}

// ---------------------------------------------------------------------------------------------
// Messages

let flashTimer = null;
function flash(text) {
  const el = $("record-message");
  el.classList.remove("error");
  el.textContent = text;
  show(el, true);
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => show(el, false), 6000);
}

function showGlobalError(e) {
  if (e instanceof ApiError && e.status === 401) return; // the login form says it
  const el = $("record-message");
  el.classList.add("error");
  el.textContent = e instanceof ApiError ? `${e.code}: ${e.message}` : String(e?.message ?? e);
  show(el, true);
  clearTimeout(flashTimer);
}

// ---------------------------------------------------------------------------------------------
// Keyboard

function isTyping(target) {
  if (!(target instanceof Element)) return false;
  return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
}

function toggleHelp(visible) {
  const help = $("help");
  const next = visible ?? help.hidden;
  show(help, next);
  if (next) $("help-close").focus();
}

function onKeydown(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (!$("help").hidden && (ev.key === "Escape" || ev.key === "?")) {
    ev.preventDefault();
    toggleHelp(false);
    return;
  }
  if (isTyping(ev.target) || !state.user) return;
  switch (ev.key) {
    case "j":
      ev.preventDefault();
      void step(1);
      break;
    case "k":
      ev.preventDefault();
      void step(-1);
      break;
    case "a":
      ev.preventDefault();
      void approve();
      break;
    case "c":
      if (!state.view) return;
      ev.preventDefault();
      void acknowledge(reviewFlags(state.view.record)[state.flagIndex]);
      break;
    case "e":
      if (!state.view) return;
      ev.preventDefault();
      if (!state.editing) startEdit();
      else $("edit-slot").querySelector("[data-edit-control]")?.focus();
      break;
    case "n":
      if (!state.view) return;
      ev.preventDefault();
      selectFlag(state.flagIndex + 1);
      break;
    case "p":
      if (!state.view) return;
      ev.preventDefault();
      selectFlag(state.flagIndex - 1);
      break;
    case "?":
      ev.preventDefault();
      toggleHelp(true);
      break;
    default:
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring

function wireStaticHandlers() {
  $("login-form").addEventListener("submit", onLogin);
  $("logout-button").addEventListener("click", onLogout);
  $("help-button").addEventListener("click", () => toggleHelp());
  $("help-close").addEventListener("click", () => toggleHelp(false));
  $("help").addEventListener("click", (ev) => {
    if (ev.target === $("help")) toggleHelp(false);
  });
  $("filters").addEventListener("change", onFiltersChanged);
  $("filters").addEventListener("submit", (ev) => ev.preventDefault());
  for (const tab of document.querySelectorAll(".state-tab")) {
    tab.addEventListener("click", () => setStateFilter(tab.dataset.state));
  }
  $("page-prev").addEventListener("click", () => turnQueuePage(-1).catch(showGlobalError));
  $("page-next").addEventListener("click", () => turnQueuePage(1).catch(showGlobalError));
  $("show-queue").addEventListener("click", () => showSidebar("queue"));
  $("show-documents").addEventListener("click", () => {
    showSidebar("documents");
    void loadDocumentsQuietly();
  });
  $("document-filter-clear").addEventListener("click", () => clearDocumentFilter());
  $("documents-prev").addEventListener("click", () => turnDocumentsPage(-1).catch(showGlobalError));
  $("documents-next").addEventListener("click", () => turnDocumentsPage(1).catch(showGlobalError));
  $("approve-button").addEventListener("click", () => approve());
  $("edit-button").addEventListener("click", () => startEdit());
  $("edit-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void saveEdit();
  });
  $("edit-cancel").addEventListener("click", cancelEdit);
  $("page-back").addEventListener("click", () => changePage(-1));
  $("page-forward").addEventListener("click", () => changePage(1));
  $("zoom-in").addEventListener("click", () => changeZoom(1.25));
  $("zoom-out").addEventListener("click", () => changeZoom(0.8));
  document.addEventListener("keydown", onKeydown);
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (state.view) renderPage().catch(() => {});
    }, 200);
  });
}

start();
