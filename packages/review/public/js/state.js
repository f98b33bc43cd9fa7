// The page's state, its constants, and the late-bound calls between views (hooks: each view
// module registers what the others call, so the modules import one another in one direction only).

export const PDFJS_URL = "/vendor/pdfjs/pdf.min.mjs";
export const PDFJS_WORKER_URL = "/vendor/pdfjs/pdf.worker.min.mjs";
export const QUEUE_LIMIT = 50;
export const DOCUMENTS_LIMIT = 100;

export const state = {
  user: null,
  csrf: null,
  /** GET /api/form-model: per kind the form's title and value fields (label, type); the flag codes. */
  formModel: { kinds: {}, flagCodes: {} },
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
  /** The record view (GET /api/documents/:sha256/records/:ordinal) shown, or null. */
  view: null,
  flagIndex: 0,
  /** The value field path inspected / edited. */
  focusPath: null,
  /** The path whose provenance box is drawn (a flag's path, or a field picked by hand). */
  boxPath: null,
  /** Page number shown. */
  page: null,
  zoom: 1,
  editing: false,
  busy: false,
  /** The upload view is shown instead of the record pane (admins). */
  uploading: false,
};

/** Calls between views, registered by app.js once every module is loaded. */
export const hooks = {
  sessionLost: (_message) => {},
  openRecord: async (_address, _queuePos) => {},
  renderRecord: () => {},
  renderQueue: () => {},
  selectFlag: (_index, _options) => {},
  refreshQueueQuietly: () => {},
};

export function canWrite() {
  return state.user?.role === "admin" || state.user?.role === "reviewer";
}

export function isAdmin() {
  return state.user?.role === "admin";
}
