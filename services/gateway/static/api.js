// The API as the page uses it: the key in the Authorization header only, errors as ApiError with the fields at fault.
export const API = "/api/v1";
const KEY_ITEM = "pharmagen.apiKey";

export const apiKey = () => localStorage.getItem(KEY_ITEM) || "";
export const saveApiKey = (value) => localStorage.setItem(KEY_ITEM, value);

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || `request failed (${status})`);
    this.status = status;
    this.fields = Array.isArray(body.errors) ? body.errors : [];
  }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { "Authorization": `Bearer ${apiKey()}`, ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** A fresh Idempotency-Key: one per user action, so a double click or a retried request makes one revision. */
export function idempotencyKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
