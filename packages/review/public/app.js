// The review page of `jixiao serve`: plain ES modules (js/), no build step, no framework. This one
// wires the views together, the keyboard and the static controls, and starts.
//
// Safety rules kept throughout: every piece of extracted text reaches the DOM through
// textContent / text nodes (records may hold "<script>" text), no innerHTML, no inline styles in
// markup (the CSP has no 'unsafe-inline'); positions are set through the CSSOM (element.style).
// The contract of the JSON API is packages/review/API.md.
import { $, show } from "./js/dom.js";
import { acknowledge, approve, cancelEdit, saveEdit, startEdit } from "./js/edit.js";
import { reviewFlags } from "./js/format.js";
import { showGlobalError } from "./js/messages.js";
import { changePage, changeZoom, renderPage } from "./js/page.js";
import {
  clearDocumentFilter, loadDocumentsQuietly, loadFacets, loadQueue, onFiltersChanged, renderQueue, setStateFilter, showSidebar, step, turnDocumentsPage, turnQueuePage,
} from "./js/queue.js";
import { openRecord, renderRecord, selectFlag } from "./js/record.js";
import { onLogin, onLogout, sessionLost, start } from "./js/session.js";
import { hooks, state } from "./js/state.js";
import { showUploadView, wireUploadView } from "./js/upload.js";

Object.assign(hooks, {
  sessionLost: (message) => {
    showUploadView(false);
    sessionLost(message);
  },
  openRecord,
  renderRecord,
  renderQueue,
  selectFlag,
  refreshQueueQuietly: () => {
    Promise.all([loadQueue(), loadFacets()]).catch(showGlobalError);
    void loadDocumentsQuietly();
  },
});

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
  wireUploadView();
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


wireStaticHandlers();
start();
