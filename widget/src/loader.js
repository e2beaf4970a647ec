// The one script a clinic embeds:
//   <script src="https://HOST/widget/loader.js" data-clinic="ID" data-mode="reflection" async></script>
// It stays tiny: a launcher button inside <reflection-chat> (an open shadow root, so the page's CSS and ours
// never mix), the events for the host page, and quick exit. The chat (widget.js) loads when it is opened.
import launcherCss from "./loader.css";

const EVENT_TYPE = "reflection-chat";
const EVENT_VERSION = 1;
const OPEN_KEY = "reflection-chat:open:"; // + clinic and mode: only whether the chat was open, never any content
const ESCAPES_TO_LEAVE = 3;
const ESCAPE_WINDOW_MS = 1500;
const MOUNT = Symbol.for("reflection-chat/mount");
const COLOUR = /^#[0-9a-f]{6}$/i;
const SVG = "http://www.w3.org/2000/svg";

const script = document.currentScript;

function remember(key, open) {
  try {
    if (open) sessionStorage.setItem(key, "1");
    else sessionStorage.removeItem(key);
  } catch {
    // storage can be unavailable (private modes); the chat then simply starts closed after a reload
  }
}

function forgetAll() {
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(OPEN_KEY)) sessionStorage.removeItem(key);
  } catch {
    // nothing was stored
  }
}

function wasOpen(key) {
  try {
    return sessionStorage.getItem(key) === "1";
  } catch {
    return false;
  }
}

function chatIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9l-5 4v-4H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z");
  svg.append(path);
  return svg;
}

function sheet(css) {
  const stylesheet = new CSSStyleSheet();
  stylesheet.replaceSync(css);
  return stylesheet;
}

function loadWidget(appBase, nonce) {
  if (window[MOUNT]) return Promise.resolve(window[MOUNT]);
  return new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = new URL("widget/widget.js", appBase).href;
    tag.async = true;
    if (nonce) tag.nonce = nonce;
    tag.addEventListener("load", () => (window[MOUNT] ? resolve(window[MOUNT]) : reject(new Error("no widget"))));
    tag.addEventListener("error", () => {
      tag.remove();
      reject(new Error("the widget could not be loaded"));
    });
    document.head.append(tag);
  });
}

function setUp({ config, appBase, clinic, mode, nonce }) {
  const host = document.querySelector("reflection-chat") || document.body.appendChild(document.createElement("reflection-chat"));
  const root = host.shadowRoot || host.attachShadow({ mode: "open" });
  const { primary, on_primary: onPrimary } = config.colours;
  const theme = COLOUR.test(primary) && COLOUR.test(onPrimary) ? `:host{--rc-primary:${primary};--rc-on-primary:${onPrimary}}` : "";
  root.adoptedStyleSheets = [sheet(`:host{--rc-primary:#1f4e79;--rc-on-primary:#fff}${theme}`), sheet(launcherCss)];

  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("aria-expanded", "false");
  const label = document.createElement("span");
  label.textContent = "Open chat";
  launcher.append(chatIcon(), label);
  const loadError = document.createElement("p");
  loadError.className = "load-error";
  loadError.setAttribute("role", "alert");
  loadError.hidden = true;
  root.append(loadError, launcher);

  const openKey = `${OPEN_KEY}${clinic}:${mode}`;
  const parentOrigin = window.parent !== window ? location.ancestorOrigins?.[0] : undefined;
  // Events go only to origins the clinic's file allows, never "*", and never carry anything the client said.
  function emit(event, extra = {}) {
    const message = { type: EVENT_TYPE, version: EVENT_VERSION, event, clinic, ...extra };
    if (config.origins.includes(location.origin)) window.postMessage(message, location.origin);
    if (parentOrigin && config.origins.includes(parentOrigin)) window.parent.postMessage(message, parentOrigin);
  }

  let panel = null;
  let opening = null;

  function close() {
    panel.hide();
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    remember(openKey, false);
    launcher.focus();
    emit("closed");
  }

  function quickExit() {
    forgetAll();
    if (panel) panel.destroy();
    try {
      navigator.sendBeacon(new URL("api/session/forget", appBase).href); // this browser forgets the chat
    } catch {
      // leaving matters more than forgetting
    }
    location.replace(config.quick_exit_url);
  }

  async function open() {
    if (opening) return opening;
    opening = (async () => {
      try {
        const mountWidget = await loadWidget(appBase, nonce);
        panel ||= mountWidget(root, { config, appBase, mode, emit, onClose: close, onQuickExit: quickExit });
        loadError.hidden = true;
        launcher.hidden = true;
        launcher.setAttribute("aria-expanded", "true");
        remember(openKey, true);
        panel.open();
        emit("opened");
      } catch {
        loadError.textContent = "The chat couldn't load. Please check your connection and try again.";
        loadError.hidden = false;
      } finally {
        opening = null;
      }
    })();
    return opening;
  }

  launcher.addEventListener("click", open);

  let escapes = [];
  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape") return;
      const now = Date.now();
      escapes = [...escapes.filter((time) => now - time < ESCAPE_WINDOW_MS), now];
      if (escapes.length >= ESCAPES_TO_LEAVE) quickExit();
    },
    true,
  );

  emit("ready");
  if (wasOpen(openKey)) open();
}

function start() {
  if (!script || customElements.get("reflection-chat")) return;
  customElements.define("reflection-chat", class extends HTMLElement {});
  const appBase = new URL("../", script.src);
  const clinic = script.dataset.clinic || "default";
  const mode = script.dataset.mode === "intake" ? "intake" : "reflection";
  const nonce = script.nonce || "";
  fetch(new URL(`api/clinics/${encodeURIComponent(clinic)}`, appBase), { credentials: "omit" })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
    .then((config) => {
      const go = () => setUp({ config, appBase, clinic, mode, nonce });
      if (document.body) go();
      else document.addEventListener("DOMContentLoaded", go, { once: true });
    })
    .catch((error) => console.warn(`reflection-chat: the chat for clinic "${clinic}" is not available (${error.message}).`));
}

start();
