// The chat itself, loaded by loader.js when the client opens it, and drawn into the loader's shadow root.
// Everything the assistant or the client says is set with textContent: it always shows as text, never markup.
// Nothing the client says is kept in the browser: after a reload, the history comes back from the server.
import { io } from "socket.io-client";
import css from "./widget.css";

const MOUNT = Symbol.for("reflection-chat/mount");
const GREETING = "/greet"; // starts a fresh conversation, as if the client had said hello
const MENU = [
  { label: "Start over", payload: "/start_over" },
  { label: "Delete my conversation", payload: "/delete_data" },
];
const TOKEN_MARGIN_MS = 30_000;
const RETRY_MS = [1000, 2000, 5000, 10000];
const STATUS = {
  connecting: "Connecting…",
  connected: "Connected",
  lost: "Connection lost. Reconnecting… Sending is paused until the chat is back; what you type stays here.",
  failed: "The chat isn't reachable right now. We'll keep trying; what you type stays here.",
};

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key in node && !key.includes("-") && key !== "role") node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function srOnly(text) {
  return el("span", { className: "sr", textContent: text });
}

function mount(root, api) {
  const { config, appBase, mode, emit } = api;
  const stylesheet = new CSSStyleSheet();
  stylesheet.replaceSync(css);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, stylesheet];
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // --- the panel ---
  const title = el("h2", { className: "title", id: "rc-title", textContent: config.name });
  const logo = config.logo ? el("img", { className: "logo", src: new URL(config.logo, appBase).href, alt: "" }) : "";
  const leave = el("button", { type: "button", className: "leave", textContent: "Leave quickly" });
  const menuButton = el("button", {
    type: "button",
    className: "menu-button",
    textContent: "Menu",
    "aria-haspopup": "menu",
    "aria-expanded": "false",
    "aria-controls": "rc-menu",
  });
  const closeButton = el("button", { type: "button", className: "close", textContent: "Close", "aria-label": "Close chat" });
  const menuItems = [
    ...MENU.map(({ label, payload }) => ({ label, run: () => say(payload, label) })),
    { label: "Print or download my summary", run: () => openSummary() },
  ].map(({ label, run }) => {
    const item = el("button", { type: "button", role: "menuitem", tabIndex: -1, textContent: label });
    item.addEventListener("click", () => {
      closeMenu(false);
      run();
    });
    return item;
  });
  const menu = el("div", { className: "menu", id: "rc-menu", role: "menu", "aria-label": "Chat options", hidden: true }, menuItems);
  const header = el("div", { className: "header" }, [
    el("div", { className: "brand" }, [logo, title]),
    el("div", { className: "actions" }, [leave, menuButton, closeButton]),
  ]);
  const notice = el("p", {
    className: "notice",
    textContent: `Not for emergencies. If you're in crisis, ${config.crisis_line}. Press Esc 3 times to leave quickly.`,
  });
  const status = el("p", { className: "status", id: "rc-status", role: "status", "data-state": "connecting", textContent: STATUS.connecting });
  const log = el("div", { className: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabIndex: 0 });
  const typing = el("div", { className: "typing", hidden: true }, [
    el("span", { className: "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
    srOnly("The assistant is typing"),
  ]);
  const summaryButton = el("button", { type: "button", className: "summary-button", textContent: "Print or download my summary" });
  const summaryReady = el("div", { className: "summary-ready", hidden: true }, [
    el("p", { textContent: "Your summary is ready. It's yours to keep or bring to your next session." }),
    summaryButton,
  ]);
  const summaryError = el("p", { className: "inline-error", role: "alert", hidden: true });
  const input = el("textarea", {
    id: "rc-message",
    name: "message",
    rows: 2,
    maxLength: config.max_message_chars,
    autocomplete: "off",
    "aria-describedby": "rc-status rc-count",
  });
  const count = el("p", { className: "count", id: "rc-count", "aria-live": "polite" });
  const send = el("button", { type: "submit", className: "send", textContent: "Send", "aria-describedby": "rc-status" });
  const form = el("form", { className: "composer" }, [
    el("label", { htmlFor: "rc-message", textContent: "Message" }),
    el("div", { className: "row" }, [input, send]),
    count,
  ]);
  const body = el("div", { className: "body" }, [notice, log, typing, summaryReady, summaryError]);
  const panel = el("section", { className: "panel", "aria-labelledby": "rc-title", hidden: true }, [header, menu, status, body, form]);
  root.append(panel);

  // --- state ---
  let socket = null;
  let token = null;
  let tokenExpires = 0;
  let connected = false;
  let greeted = false;
  let started = null;
  let retries = 0;

  function setStatus(state) {
    status.dataset.state = state;
    status.textContent = STATUS[state];
    connected = state === "connected";
    send.disabled = !connected;
  }

  async function startSession() {
    const response = await fetch(new URL("api/session", appBase), {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ clinic: config.id, mode, ...(token ? { resume: token } : {}) }),
    });
    if (!response.ok) throw new Error(`session: HTTP ${response.status}`);
    const session = await response.json();
    token = session.token;
    tokenExpires = Date.now() + session.expires_in * 1000;
    return session;
  }

  async function freshToken() {
    if (!token || Date.now() > tokenExpires - TOKEN_MARGIN_MS) await startSession();
    return token;
  }

  async function authorized(path, options = {}) {
    const response = await fetch(new URL(path, appBase), {
      ...options,
      credentials: "include",
      headers: { ...(options.headers || {}), Authorization: `Bearer ${await freshToken()}` },
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // --- messages ---
  function scrollToEnd() {
    log.scrollTo({ top: log.scrollHeight, behavior: reducedMotion.matches ? "auto" : "smooth" });
  }

  function addMessage(from, text) {
    const message = el("div", { className: `msg ${from}`, tabIndex: -1 }, [
      srOnly(from === "bot" ? "Assistant: " : "You: "),
      el("span", { className: "text", textContent: text }),
    ]);
    log.append(message);
    scrollToEnd();
    return message;
  }

  function settle(group, chosen) {
    if (group.dataset.answered) return;
    group.dataset.answered = "true";
    for (const button of group.querySelectorAll("button")) {
      button.disabled = true;
      if (button.textContent === chosen) button.classList.add("chosen");
    }
    group.append(srOnly(chosen ? `You chose: ${chosen}` : "Answered"));
  }

  function settleOpenChoices(chosen) {
    for (const group of log.querySelectorAll(".choices:not([data-answered])")) settle(group, chosen);
  }

  function addChoices(buttons, answered, chosen) {
    const group = el("div", { className: "choices", role: "group", "aria-label": "Choose an answer" });
    for (const { title, payload } of buttons) {
      const button = el("button", { type: "button", textContent: title });
      button.addEventListener("click", () => {
        if (say(payload, title, title)) input.focus();
      });
      group.append(button);
    }
    log.append(group);
    if (answered) settle(group, chosen);
    scrollToEnd();
  }

  function showBotMessage({ text, quick_replies: quickReplies, buttons }) {
    typing.hidden = true;
    if (text) addMessage("bot", text);
    const choices = (quickReplies || buttons || []).filter((button) => button && button.title);
    if (choices.length) addChoices(choices, false, null);
  }

  // Sends what the client said or chose; ``shown`` is what appears in the chat (nothing for the greeting).
  function say(message, shown, chosen = null) {
    if (!connected) return false;
    socket.emit("user_uttered", { message });
    if (shown) {
      settleOpenChoices(chosen);
      addMessage("user", shown);
    }
    typing.hidden = false;
    scrollToEnd();
    return true;
  }

  async function restoreHistory() {
    const { messages, completed } = await authorized("api/history");
    for (const message of messages) {
      if (message.from === "bot") {
        addMessage("bot", message.text);
        if (message.buttons) addChoices(message.buttons, message.answered, message.chosen);
      } else if (message.text !== undefined) {
        addMessage("user", message.text);
      } else {
        const item = MENU.find(({ payload }) => payload === message.payload);
        if (item) addMessage("user", item.label);
      }
    }
    if (messages.length) greeted = true;
    if (completed) summaryReady.hidden = false;
  }

  async function openSummary() {
    summaryError.hidden = true;
    try {
      const { url } = await authorized("api/summary-link", { method: "POST" });
      window.open(new URL(url, appBase).href, "_blank", "noopener");
    } catch {
      summaryError.textContent = "The summary couldn't be opened just now. Please try again in a moment.";
      summaryError.hidden = false;
    }
  }

  // --- the connection ---
  function connect() {
    socket = io(appBase.origin, {
      path: `${appBase.pathname}socket.io/`,
      transports: ["websocket"],
      reconnectionDelayMax: 10000,
      auth: (reply) => {
        freshToken().then(
          (fresh) => reply({ token: fresh }),
          () => reply({}),
        );
      },
    });
    socket.on("connect", () => {
      retries = 0;
      setStatus("connected");
      socket.emit("session_request", {});
      if (!greeted) {
        greeted = true;
        say(GREETING, null);
      }
    });
    socket.on("disconnect", (reason) => {
      setStatus("lost");
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", () => {
      setStatus(retries > 2 ? "failed" : "lost");
      if (!socket.active) {
        // the server refused this token: get a fresh one and try again, a little later each time
        token = null;
        setTimeout(() => socket.connect(), RETRY_MS[Math.min(retries, RETRY_MS.length - 1)]);
      }
      retries += 1;
    });
    socket.on("bot_uttered", showBotMessage);
    socket.on("reflection_event", (event) => {
      if (event && event.event === "completed") {
        summaryReady.hidden = false;
        emit("completed", { reflection: String(event.reflection) });
      }
    });
  }

  async function start() {
    setStatus("connecting");
    try {
      const session = await startSession();
      if (session.resumed) await restoreHistory();
    } catch {
      setStatus("failed");
    }
    connect();
  }

  // --- controls ---
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (say(text, text)) {
      input.value = "";
      updateCount();
    }
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function updateCount() {
    const used = input.value.length;
    const max = config.max_message_chars;
    count.textContent = used >= max * 0.8 ? `${used} of ${max} characters` : "";
  }
  input.addEventListener("input", updateCount);

  // Arrow keys move through the conversation, one message at a time.
  log.addEventListener("keydown", (event) => {
    const messages = [...log.querySelectorAll(".msg")];
    if (!messages.length) return;
    const current = messages.indexOf(root.activeElement);
    const last = messages.length - 1;
    const moves = {
      ArrowUp: current === -1 ? last : Math.max(0, current - 1),
      ArrowDown: current === -1 ? last : Math.min(last, current + 1),
      Home: 0,
      End: last,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const target = messages[moves[event.key]];
    target.focus();
    target.scrollIntoView({ block: "nearest" });
  });

  function openMenu() {
    menu.hidden = false;
    menuButton.setAttribute("aria-expanded", "true");
    menuItems[0].focus();
  }

  function closeMenu(returnFocus) {
    menu.hidden = true;
    menuButton.setAttribute("aria-expanded", "false");
    if (returnFocus) menuButton.focus();
  }

  menuButton.addEventListener("click", () => (menu.hidden ? openMenu() : closeMenu(true)));
  menu.addEventListener("keydown", (event) => {
    const index = menuItems.indexOf(root.activeElement);
    const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: menuItems.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      menuItems[(moves[event.key] + menuItems.length) % menuItems.length].focus();
    } else if (event.key === "Escape") {
      closeMenu(true);
    } else if (event.key === "Tab") {
      closeMenu(false);
    }
  });

  leave.addEventListener("click", api.onQuickExit);
  closeButton.addEventListener("click", api.onClose);
  summaryButton.addEventListener("click", openSummary);

  // Keep a focused element of the host page from hiding behind the open chat (WCAG 2.4.11).
  function keepFocusVisible(event) {
    if (panel.hidden || event.composedPath().includes(root.host)) return;
    const target = event.target;
    if (!(target instanceof Element)) return;
    const box = target.getBoundingClientRect();
    const cover = panel.getBoundingClientRect();
    const hidden = box.left >= cover.left && box.right <= cover.right && box.top >= cover.top && box.bottom <= cover.bottom;
    if (hidden) window.scrollBy({ top: box.bottom - cover.top + 16, behavior: "auto" });
  }
  document.addEventListener("focusin", keepFocusVisible);

  return {
    open() {
      panel.hidden = false;
      started ||= start();
      input.focus();
    },
    hide() {
      closeMenu(false);
      panel.hidden = true;
    },
    destroy() {
      document.removeEventListener("focusin", keepFocusVisible);
      if (socket) socket.disconnect();
      panel.remove();
    },
  };
}

window[MOUNT] = mount;
