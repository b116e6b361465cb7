// ClipGrains console: a tenant's view of the public API (and the operator's of the admin API), with no build step
// and nothing loaded from elsewhere. Keys live in sessionStorage (this tab, this origin) and go out only in the
// Authorization header of calls to this server. Every error shown is the API's own error message.
"use strict";

const state = {
  key: sessionStorage.getItem("clipgrains.key"),
  adminKey: sessionStorage.getItem("clipgrains.adminKey"),
  image: null,
  editing: null,
  usage: null,
  tenant: null,
  poll: null,
  collection: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `The server answered ${status}.`);
    this.status = status;
    this.code = error?.code;
  }
}

async function api(path, { method = "GET", body, admin = false, headers = {} } = {}) {
  const key = admin ? state.adminKey : state.key;
  const init = { method, headers: { ...headers } };
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json?.error);
  return json;
}

function showError(error) {
  const box = $("error");
  if (!error) {
    box.hidden = true;
    box.textContent = "";
    return;
  }
  box.textContent = error instanceof ApiError ? `${error.status}: ${error.message}` : String(error.message ?? error);
  box.hidden = false;
}

async function guarded(action) {
  showError(null);
  try {
    await action();
  } catch (error) {
    showError(error);
    if (error instanceof ApiError && error.status === 401 && !location.hash.startsWith("#/admin")) {
      // The key was refused (revoked, suspended, mistyped): keep the message, ask for another key.
      forgetKey();
    }
  }
}

// ---- session ----------------------------------------------------------------------------------------------

function forgetKey() {
  state.key = null;
  sessionStorage.removeItem("clipgrains.key");
  $("session-tenant").textContent = "";
  $("sign-out").hidden = true;
  route();
}

async function signIn(event) {
  event.preventDefault();
  const key = $("api-key").value.trim();
  await guarded(async () => {
    state.key = key;
    const usage = await api("/v1/usage");
    sessionStorage.setItem("clipgrains.key", key);
    $("api-key").value = "";
    state.tenant = usage.tenant;
    route();
  });
}

function renderSession() {
  $("sign-out").hidden = !state.key;
  $("session-tenant").textContent = state.key && state.tenant ? `${state.tenant.name} · ${state.tenant.balance} credits` : "";
}

// ---- routing ----------------------------------------------------------------------------------------------

const views = ["playground", "label-sets", "collections", "usage", "admin"];

function route() {
  clearInterval(state.poll);
  const name = views.find((v) => location.hash === `#/${v}`) ?? "playground";
  for (const v of views) $(`view-${v}`).hidden = true;
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const needsKey = name !== "admin";
  $("sign-in").hidden = !(needsKey && !state.key);
  renderSession();
  if (needsKey && !state.key) {
    $("api-key").focus();
    return;
  }
  $(`view-${name}`).hidden = false;
  document.title = `${$(`${name}-title`).textContent} · ClipGrains`;
  const load = { playground: loadPlayground, "label-sets": loadLabelSets, collections: loadCollections, usage: loadUsage, admin: loadAdmin }[name];
  guarded(load);
}

// ---- playground -------------------------------------------------------------------------------------------

async function loadPlayground() {
  // A model nobody holds loads on its first request: the picker says which are warm.
  const models = await api("/v1/models");
  const current = $("model-select").value;
  $("model-select").replaceChildren(...models.data.map((m) => el("option", {
    value: m.id, text: m.copies_loaded > 0 ? `${m.id} (loaded)` : m.copies_loading > 0 ? `${m.id} (loading)` : `${m.id} (loads on first use)`,
  })));
  if (current) $("model-select").value = current;
  const sets = await api("/v1/label-sets?limit=100");
  const select = $("label-set-select");
  select.replaceChildren(...sets.data.filter((s) => s.status === "ready").map((s) => el("option", { value: s.name, text: `${s.name} (v${s.version}, ${s.label_count} labels)` })));
  await refreshTenant();
}

async function refreshTenant() {
  const usage = await api("/v1/usage");
  state.tenant = usage.tenant;
  renderSession();
  return usage;
}

function pickImage(file) {
  if (!file) return;
  state.image = file;
  const preview = $("preview");
  preview.src = URL.createObjectURL(file);
  preview.alt = `Selected image ${file.name}`;
  preview.hidden = false;
  $("drop-help").textContent = `${file.name} (${Math.ceil(file.size / 1024)} KB). Drop or press Enter to change it.`;
}

function currentMode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

function modeChanged() {
  const labels = currentMode() === "labels";
  $("labels-field").hidden = !labels;
  $("label-set-field").hidden = labels;
}

async function classify(event) {
  event.preventDefault();
  await guarded(async () => {
    if (!state.image) throw new Error("Pick an image first.");
    const form = new FormData();
    form.append("image", state.image, state.image.name);
    let curlTarget;
    if (currentMode() === "labels") {
      const labels = $("labels").value.split(",").map((l) => l.trim()).filter(Boolean);
      if (labels.length === 0) throw new Error("Type at least one label.");
      form.append("labels", labels.join(","));
      const model = $("model-select").value;
      if (model) form.append("model", model);
      curlTarget = `-F 'labels=${labels.join(",").replaceAll("'", "'\\''")}'` + (model ? ` -F model=${model}` : "");
    } else {
      const name = $("label-set-select").value;
      if (!name) throw new Error("There is no ready label set yet; create one under Label sets.");
      form.append("label_set", name);
      curlTarget = `-F label_set=${name}`;
    }
    $("classify").disabled = true;
    try {
      const result = await api("/v1/classifications", { method: "POST", body: form });
      renderResult(result, curlTarget);
      await refreshTenant();
    } finally {
      $("classify").disabled = false;
    }
  });
}

function renderResult(result, curlTarget) {
  const ranking = $("ranking");
  const labels = result.data[0].labels;
  ranking.replaceChildren(...labels.map((l) => {
    const percent = (l.score * 100).toFixed(1);
    // Set through the CSSOM: the page's CSP forbids inline style attributes.
    const fill = el("span");
    fill.style.width = `${percent}%`;
    return el("li", {},
      el("span", { class: "label", text: l.label }),
      el("span", { class: "bar", role: "img", "aria-label": `${percent} percent` }, fill),
      el("span", { class: "score", text: `${percent}%` }),
      el("span", { class: "cosine", text: `cos ${l.cosine.toFixed(4)}` }));
  }));
  $("result-cost").textContent = `Cost: ${result.usage.credits} credits (${result.usage.images} image${result.usage.images === 1 ? "" : "s"}, ${result.usage.prompt_tokens} prompt tokens).`;
  const file = state.image.name.replaceAll("'", "'\\''");
  $("curl").textContent = `curl ${location.origin}/v1/classifications \\\n  -H "Authorization: Bearer $CLIPGRAINS_KEY" \\\n  -F 'image=@${file}' ${curlTarget}`;
  $("result").hidden = false;
}

// ---- label sets -------------------------------------------------------------------------------------------

async function loadLabelSets() {
  const sets = await api("/v1/label-sets?limit=100");
  const rows = sets.data.map((s) => el("tr", {},
    el("td", { text: s.name }),
    el("td", { text: `v${s.version}` }),
    el("td", { text: String(s.label_count) }),
    el("td", { text: s.status === "building" ? `building ${s.progress.completed}/${s.progress.total}` : s.status }),
    el("td", {},
      el("button", { type: "button", text: "Edit", "aria-label": `Edit ${s.name}`, onclick: () => guarded(() => editLabelSet(s.name)) }),
      el("button", { type: "button", text: "Delete", class: "danger", "aria-label": `Delete ${s.name}`, onclick: () => guarded(() => deleteLabelSet(s.name)) }))));
  $("label-sets-table").tBodies[0].replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "5", text: "No label sets yet." }))]));
  if (sets.data.some((s) => s.status === "building")) {
    clearInterval(state.poll);
    state.poll = setInterval(() => guarded(loadLabelSets), 1000);
  }
}

async function editLabelSet(name) {
  const set = await api(`/v1/label-sets/${encodeURIComponent(name)}`);
  state.editing = { name, version: set.version };
  $("ls-name").value = name;
  $("ls-name").readOnly = true;
  $("ls-labels").value = set.labels.join("\n");
  const preset = set.template_preset ?? "custom";
  $("ls-preset").value = preset;
  $("ls-templates").value = preset === "custom" ? set.templates.join("\n") : "";
  presetChanged();
  $("label-set-form-title").textContent = `Edit ${name} (saving creates version ${set.version + 1})`;
  $("ls-save").textContent = "Save new version";
  $("ls-cancel").hidden = false;
  $("ls-labels").focus();
}

function stopEditing() {
  state.editing = null;
  $("label-set-form").reset();
  $("ls-name").readOnly = false;
  presetChanged();
  $("label-set-form-title").textContent = "Create a label set";
  $("ls-save").textContent = "Create";
  $("ls-cancel").hidden = true;
}

async function deleteLabelSet(name) {
  if (!confirm(`Delete label set ${name}?`)) return;
  await api(`/v1/label-sets/${encodeURIComponent(name)}`, { method: "DELETE" });
  await loadLabelSets();
}

function presetChanged() {
  $("ls-templates-field").hidden = $("ls-preset").value !== "custom";
}

async function saveLabelSet(event) {
  event.preventDefault();
  await guarded(async () => {
    const name = $("ls-name").value.trim();
    const body = { name, labels: $("ls-labels").value.split("\n").map((l) => l.trim()).filter(Boolean) };
    if ($("ls-preset").value === "custom") body.templates = $("ls-templates").value.split("\n").map((t) => t.trim()).filter(Boolean);
    else body.template_preset = $("ls-preset").value;
    const editing = state.editing;
    const saved = editing
      ? await api(`/v1/label-sets/${encodeURIComponent(name)}`, { method: "PUT", body, headers: { "If-Match": `"v${editing.version}"` } })
      : await api("/v1/label-sets", { method: "POST", body });
    stopEditing();
    await watchBuild(saved.name);
    await loadLabelSets();
    await refreshTenant();
  });
}

async function watchBuild(name) {
  const box = $("ls-progress");
  const bar = $("ls-progress-bar");
  box.hidden = false;
  for (;;) {
    const set = await api(`/v1/label-sets/${encodeURIComponent(name)}`);
    bar.max = Math.max(1, set.progress.total);
    bar.value = set.progress.completed;
    $("ls-progress-label").textContent = `${name} v${set.version}: ${set.progress.completed} of ${set.progress.total} prompt embeddings (${set.status})`;
    if (set.status !== "building") {
      if (set.status === "failed") throw new Error(`Building ${name} failed: ${set.error}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// ---- usage ------------------------------------------------------------------------------------------------

async function loadUsage() {
  const usage = await refreshTenant();
  state.usage = usage;
  $("usage-balance").textContent = `${usage.tenant.balance} credits`;
  $("usage-reserved").textContent = `${usage.tenant.reserved} credits`;
  const limit = (l) => `${l.remaining} of ${l.limit} left${l.reset_seconds > 0 ? `, full again in ${Math.ceil(l.reset_seconds)} s` : ""}`;
  $("usage-requests-limit").textContent = limit(usage.rate_limits.requests);
  $("usage-images-limit").textContent = limit(usage.rate_limits.images);
  $("usage-table").tBodies[0].replaceChildren(...usage.days.slice().reverse().map((d) => el("tr", {},
    el("td", { text: d.date }), el("td", { text: String(d.requests) }), el("td", { text: String(d.images) }),
    el("td", { text: String(d.texts) }), el("td", { text: String(d.credits) }))));
  const share = (name) => (m) => el("tr", {},
    el("td", { text: name(m) }), el("td", { text: String(m.requests) }), el("td", { text: String(m.images) }),
    el("td", { text: String(m.texts) }), el("td", { text: String(m.credits) }));
  $("usage-models-table").tBodies[0].replaceChildren(...usage.totals.models.map(share((m) => m.model)));
  $("usage-keys-table").tBodies[0].replaceChildren(...usage.totals.keys.map(share((k) => k.key_id)));
  drawChart();
}

function lastThirtyDays() {
  const days = [];
  const today = new Date();
  for (let i = 29; i >= 0; i--) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
}

function drawChart() {
  const series = document.querySelector('input[name="series"]:checked').value;
  const byDay = new Map(state.usage.days.map((d) => [d.date, d[series]]));
  const days = lastThirtyDays();
  const values = days.map((d) => byDay.get(d) ?? 0);
  const max = Math.max(1, ...values);
  const svg = $("usage-chart");
  const ns = "http://www.w3.org/2000/svg";
  const shapes = [];
  values.forEach((value, i) => {
    const height = Math.round((value / max) * 180);
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("x", String(10 + i * 20));
    bar.setAttribute("y", String(190 - height));
    bar.setAttribute("width", "16");
    bar.setAttribute("height", String(height));
    bar.setAttribute("class", "chart-bar");
    const title = document.createElementNS(ns, "title");
    title.textContent = `${days[i]}: ${value} ${series}`;
    bar.append(title);
    shapes.push(bar);
  });
  const axis = document.createElementNS(ns, "line");
  Object.entries({ x1: "5", y1: "190", x2: "615", y2: "190", class: "chart-axis" }).forEach(([k, v]) => axis.setAttribute(k, v));
  shapes.push(axis);
  svg.replaceChildren(...shapes);
  const total = values.reduce((a, b) => a + b, 0);
  $("usage-chart-caption").textContent = `${series} per day, ${days[0]} to ${days[29]} (UTC): ${total} in total, at most ${Math.max(...values)} on one day.`;
}

// ---- operator ---------------------------------------------------------------------------------------------

async function loadAdmin() {
  const signedIn = Boolean(state.adminKey);
  $("admin-sign-in").hidden = signedIn;
  $("admin-body").hidden = !signedIn;
  if (!signedIn) return;
  const tenants = await api("/admin/v1/tenants", { admin: true });
  $("tenants-table").tBodies[0].replaceChildren(...tenants.data.map((t) => el("tr", {},
    el("td", { text: t.name + (t.suspended ? " (suspended)" : "") }),
    el("td", {}, el("code", { text: t.id })),
    el("td", { text: String(t.balance) }),
    el("td", { text: `${t.limits.requests_per_minute} / ${t.limits.images_per_minute}` }),
    el("td", {}, el("button", { type: "button", text: "Manage", "aria-label": `Manage ${t.name}`, onclick: () => guarded(() => openTenant(t.id)) })))));
  const silos = await api("/admin/v1/models", { admin: true });
  $("models-table").tBodies[0].replaceChildren(...silos.data.map((s) => el("tr", {},
    el("td", {}, el("code", { text: s.silo })),
    el("td", { text: String(s.load) }),
    el("td", { text: s.models.filter((m) => m.loaded).map((m) => m.model).join(", ") || "none" }),
    el("td", { text: s.models.filter((m) => m.loading).map((m) => m.model).join(", ") || "none" }))));
}

async function adminSignIn(event) {
  event.preventDefault();
  const key = $("admin-key").value.trim();
  await guarded(async () => {
    state.adminKey = key;
    try {
      await api("/admin/v1/tenants", { admin: true });
    } catch (error) {
      state.adminKey = null;
      throw error;
    }
    sessionStorage.setItem("clipgrains.adminKey", key);
    $("admin-key").value = "";
    await loadAdmin();
  });
}

async function createTenant(event) {
  event.preventDefault();
  await guarded(async () => {
    const tenant = await api("/admin/v1/tenants", { method: "POST", admin: true, body: { name: $("tenant-name").value.trim(), credits: Number($("tenant-credits").value) } });
    $("tenant-form").reset();
    await loadAdmin();
    await openTenant(tenant.id);
  });
}

async function openTenant(id) {
  if (state.adminTenant !== id) $("new-key").hidden = true;
  const detail = await api(`/admin/v1/tenants/${encodeURIComponent(id)}`, { admin: true });
  const keys = await api(`/admin/v1/tenants/${encodeURIComponent(id)}/keys`, { admin: true });
  state.adminTenant = id;
  $("tenant-detail").hidden = false;
  $("tenant-detail-title").textContent = `${detail.tenant.name}: ${detail.tenant.balance} credits`;
  $("keys-table").tBodies[0].replaceChildren(...keys.data.map((k) => el("tr", {},
    el("td", { text: k.name }),
    el("td", {}, el("code", { text: k.prefix })),
    el("td", { text: k.revoked ? "revoked" : "active" }),
    el("td", {}, k.revoked ? "" : el("button", { type: "button", class: "danger", text: "Revoke", "aria-label": `Revoke key ${k.name}`, onclick: () => guarded(() => revokeKey(id, k.id)) })))));
}

async function createKey(event) {
  event.preventDefault();
  await guarded(async () => {
    const key = await api(`/admin/v1/tenants/${encodeURIComponent(state.adminTenant)}/keys`, { method: "POST", admin: true, body: { name: $("key-name").value.trim() || "default" } });
    const box = $("new-key");
    box.replaceChildren(el("p", { text: "New key (shown only now; copy it):" }), el("code", { id: "new-key-value", text: key.key }));
    box.hidden = false;
    await openTenant(state.adminTenant);
  });
}

async function revokeKey(tenant, keyId) {
  if (!confirm("Revoke this key? Requests with it are refused at once.")) return;
  await api(`/admin/v1/tenants/${encodeURIComponent(tenant)}/keys/${encodeURIComponent(keyId)}`, { method: "DELETE", admin: true });
  $("new-key").hidden = true;
  await openTenant(tenant);
}

async function topUp(event) {
  event.preventDefault();
  await guarded(async () => {
    await api(`/admin/v1/tenants/${encodeURIComponent(state.adminTenant)}/credits`, {
      method: "POST", admin: true,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { amount: Number($("top-up-amount").value), reason: $("top-up-reason").value },
    });
    await openTenant(state.adminTenant);
    await loadAdmin();
  });
}

// ---- collections ------------------------------------------------------------------------------------------

function bytesText(bytes) {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

async function loadCollections() {
  const list = await api("/v1/collections?limit=100");
  const rows = list.data.map((c) => el("tr", {},
    el("td", { text: c.name }),
    el("td", { text: c.model }),
    el("td", { text: String(c.item_count) }),
    el("td", { text: bytesText(c.bytes) }),
    el("td", {},
      el("button", { type: "button", text: "Open", "aria-label": `Open ${c.name}`, onclick: () => guarded(() => openCollection(c.name)) }),
      el("button", { type: "button", text: "Delete", class: "danger", "aria-label": `Delete ${c.name}`, onclick: () => guarded(() => deleteCollection(c.name)) }))));
  $("collections-table").tBodies[0].replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "5", text: "No collections yet." }))]));
}

async function createCollection(event) {
  event.preventDefault();
  await guarded(async () => {
    const created = await api("/v1/collections", { method: "POST", body: { name: $("col-name").value.trim() } });
    $("collection-form").reset();
    await loadCollections();
    await openCollection(created.name);
  });
}

async function deleteCollection(name) {
  if (!confirm(`Delete collection ${name} and all its items?`)) return;
  await api(`/v1/collections/${encodeURIComponent(name)}`, { method: "DELETE" });
  if (state.collection === name) $("collection-detail").hidden = true;
  await loadCollections();
}

async function openCollection(name) {
  const c = await api(`/v1/collections/${encodeURIComponent(name)}`);
  state.collection = name;
  $("collection-detail-title").textContent = `${c.name}: ${c.item_count} items`;
  $("col-results").replaceChildren();
  $("col-search-cost").textContent = "";
  $("collection-detail").hidden = false;
}

// The same ids as `clipgrains collections index`: the path with '/' separators, bytes outside printable ASCII,
// '%' and spaces percent-encoded, so a folder indexed from the command line resumes here and the other way round.
function itemId(path) {
  let id = "";
  for (const b of new TextEncoder().encode(path)) id += b > 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  return id;
}

function dataUri(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

// A 128-pixel JPEG drawn in the browser, stored with the item so results can be looked at; null when it cannot be drawn.
async function thumbnail(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 128 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
    return blob ? await dataUri(blob) : null;
  } catch {
    return null;
  }
}

async function storedIds(name) {
  const ids = new Set();
  let after = null;
  do {
    const page = await api(`/v1/collections/${encodeURIComponent(name)}/items?limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}`);
    for (const item of page.data) ids.add(item.id);
    after = page.has_more ? page.last_id : null;
  } while (after);
  return ids;
}

async function uploadFiles(files) {
  const name = state.collection;
  const images = [...files].filter((f) => f.type.startsWith("image/") || /\.(jpe?g|png|webp|gif|bmp)$/i.test(f.name));
  const stored = await storedIds(name);
  const todo = images.map((f) => ({ file: f, id: itemId(f.webkitRelativePath || f.name) })).filter((f) => !stored.has(f.id));
  const bar = $("col-progress");
  bar.max = Math.max(1, todo.length);
  bar.value = 0;
  $("col-upload").hidden = false;
  const skipped = images.length - todo.length;
  let failed = 0;
  for (let i = 0; i < todo.length; i += 8) {
    const batch = todo.slice(i, i + 8);
    const items = await Promise.all(batch.map(async ({ file, id }) => {
      const item = { id, image: await dataUri(file), metadata: { path: file.webkitRelativePath || file.name } };
      const small = await thumbnail(file);
      if (small) item.thumbnail = small;
      return item;
    }));
    const result = await api(`/v1/collections/${encodeURIComponent(name)}/items`, { method: "POST", body: { items }, headers: { "Idempotency-Key": crypto.randomUUID() } });
    failed += result.data.filter((r) => r.status === "failed").length;
    bar.value = Math.min(todo.length, i + batch.length);
    $("col-progress-label").textContent = `Uploaded ${bar.value} of ${todo.length}${skipped ? ` (${skipped} already there, skipped)` : ""}${failed ? `, ${failed} failed` : ""}`;
  }
  if (todo.length === 0) $("col-progress-label").textContent = `Nothing to upload: ${skipped} already there, skipped`;
  await openCollection(name);
  await loadCollections();
  await refreshTenant();
}

async function searchCollection(query) {
  const name = state.collection;
  const result = await api(`/v1/collections/${encodeURIComponent(name)}/search`, { method: "POST", body: { query, top_k: 12 } });
  $("col-search-cost").textContent = `${result.data.length} results · Cost: ${result.usage.credits} credits`;
  const cards = await Promise.all(result.data.map(async (hit) => {
    const item = await api(`/v1/collections/${encodeURIComponent(name)}/items/${encodeURIComponent(hit.id)}?include=thumbnail`);
    const picture = item.thumbnail ? el("img", { src: item.thumbnail, alt: hit.id }) : el("span", { class: "no-thumb", text: "no thumbnail" });
    return el("li", {}, picture, el("span", { class: "id", text: hit.id }), el("span", { class: "score", text: hit.score.toFixed(3) }));
  }));
  $("col-results").replaceChildren(...cards);
  await refreshTenant();
}

function wireDrop(zone, input, onFiles) {
  zone.addEventListener("click", () => input.click());
  zone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => { e.preventDefault(); zone.classList.remove("over"); guarded(() => onFiles(e.dataTransfer.files)); });
  input.addEventListener("change", (e) => guarded(() => onFiles(e.target.files)));
}

// ---- wiring -----------------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => { forgetKey(); showError(null); });
  $("classify-form").addEventListener("submit", classify);
  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener("change", modeChanged);
  for (const radio of document.querySelectorAll('input[name="series"]')) radio.addEventListener("change", drawChart);
  const drop = $("drop-zone");
  drop.addEventListener("click", () => $("image-file").click());
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("image-file").click(); } });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); pickImage(e.dataTransfer.files[0]); });
  $("image-file").addEventListener("change", (e) => pickImage(e.target.files[0]));
  $("label-set-form").addEventListener("submit", saveLabelSet);
  $("ls-preset").addEventListener("change", presetChanged);
  $("ls-cancel").addEventListener("click", stopEditing);
  $("admin-sign-in").addEventListener("submit", adminSignIn);
  $("admin-sign-out").addEventListener("click", () => {
    state.adminKey = null;
    sessionStorage.removeItem("clipgrains.adminKey");
    $("tenant-detail").hidden = true;
    guarded(loadAdmin);
  });
  $("tenant-form").addEventListener("submit", createTenant);
  $("collection-form").addEventListener("submit", createCollection);
  wireDrop($("col-drop"), $("col-files"), uploadFiles);
  $("col-pick-folder").addEventListener("click", () => $("col-folder").click());
  $("col-folder").addEventListener("change", (e) => guarded(() => uploadFiles(e.target.files)));
  wireDrop($("col-query-drop"), $("col-query-file"), async (files) => searchCollection({ image: await dataUri(files[0]) }));
  $("col-search-form").addEventListener("submit", (e) => { e.preventDefault(); guarded(() => searchCollection({ text: $("col-query").value.trim() })); });
  $("key-form").addEventListener("submit", createKey);
  $("top-up-form").addEventListener("submit", topUp);
  window.addEventListener("hashchange", route);
  route();
});
