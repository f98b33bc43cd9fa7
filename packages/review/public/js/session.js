// Signing in and out.
import { $, show } from "./dom.js";
import { api, ApiError } from "./api.js";
import { canWrite, hooks, isAdmin, state } from "./state.js";
import { loadDocumentsQuietly, loadFacets, loadQueue } from "./queue.js";

export async function start() {
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

export function sessionLost(message) {
  state.uploading = false;
  show($("upload-view"), false);
  show($("record-pane"), true);
  state.view = null;
  state.editing = false;
  showLogin(message);
}

export async function onLogin(ev) {
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
  document.body.classList.toggle("is-admin", isAdmin());
  show($("upload-button"), isAdmin());
  state.formModel = await api("GET", "/api/form-model");
  await Promise.all([loadFacets(), loadQueue(), loadDocumentsQuietly()]);
  const address = addressFromHash(location.hash);
  if (address) await hooks.openRecord(address);
}

/**
 * The record a page address names: `#document=<sha256>&ordinal=<n>` (the document and the
 * record's ordinal, as the export numbers it: stays valid when the document is processed again),
 * or the older `#record=<id>` (a row id, which changes then).
 */
function addressFromHash(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const sha256 = p.get("document");
  const ordinal = p.get("ordinal");
  if (sha256 && /^[0-9a-f]{64}$/.test(sha256) && ordinal !== null && /^\d+$/.test(ordinal)) return { sha256, ordinal: Number(ordinal) };
  const id = p.get("record");
  return id && /^\d+$/.test(id) ? { id: Number(id) } : null;
}

export async function onLogout() {
  try {
    await api("DELETE", "/api/session");
  } catch {
    // The session is gone either way.
  }
  history.replaceState(null, "", location.pathname);
  sessionLost("");
}

