import { $, show } from "./dom.js";
import { ApiError } from "./api.js";


let flashTimer = null;
export function flash(text) {
  const el = $("record-message");
  el.classList.remove("error");
  el.textContent = text;
  show(el, true);
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => show(el, false), 6000);
}

export function showGlobalError(e) {
  if (e instanceof ApiError && e.status === 401) return; // the login form says it
  const el = $("record-message");
  el.classList.add("error");
  el.textContent = e instanceof ApiError ? `${e.code}: ${e.message}` : String(e?.message ?? e);
  show(el, true);
  clearTimeout(flashTimer);
}

