// Live notifications: one EventSource per page on /events/stream. Each `notification` event
// updates every unread counter ([data-notify-unread]), shows a toast, and prepends the item to
// the inbox list when the inbox is open. Text goes in with textContent only, never as HTML.
(() => {
  if (window.accordNotify) return; // the script may be included twice (layout and page)
  window.accordNotify = true;
  if (!window.EventSource) return;
  const wanted = document.querySelector("#unread-badge, [data-notify-unread], #inbox-list");
  if (!wanted) return; // not signed in: nothing to listen for

  const zh = (document.documentElement.lang || "").toLowerCase().startsWith("zh");
  const text = zh
    ? { fresh: "新通知", markRead: "标为已读", close: "关闭", reference: "编号" }
    : { fresh: "New notification", markRead: "Mark read", close: "Close", reference: "Reference" };

  function setUnread(count) {
    document.querySelectorAll("[data-notify-unread]").forEach((el) => {
      el.textContent = String(count);
      el.hidden = count === 0;
    });
    const markAll = document.querySelector('form[action="/inbox/read"] input[name="all"]');
    if (markAll) markAll.form.querySelector("button").disabled = count === 0;
  }

  function titleNode(item) {
    if (item.link && item.link.startsWith("/")) {
      const a = document.createElement("a");
      a.href = item.link;
      a.textContent = item.title;
      return a;
    }
    return document.createTextNode(item.title);
  }

  function toast(item) {
    let region = document.getElementById("notify-toasts");
    if (!region) {
      region = document.createElement("div");
      region.id = "notify-toasts";
      region.className = "notify-toasts";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    const box = document.createElement("div");
    box.className = "notify-toast";
    const head = document.createElement("strong");
    head.textContent = text.fresh;
    const body = document.createElement("div");
    body.appendChild(titleNode(item));
    if (item.reference) {
      const ref = document.createElement("code");
      ref.textContent = item.reference;
      body.append(" ", ref);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "notify-close";
    close.setAttribute("aria-label", text.close);
    close.textContent = "×";
    close.addEventListener("click", () => box.remove());
    box.append(close, head, body);
    region.appendChild(box);
    setTimeout(() => box.remove(), 10000);
  }

  function prepend(item) {
    const list = document.getElementById("inbox-list");
    if (!list || !item.inbox_id || list.querySelector(`[data-id="${item.inbox_id}"]`)) return;
    list.querySelectorAll(".inbox-empty").forEach((el) => el.remove());
    const li = document.createElement("li");
    li.className = "inbox-item unread";
    li.dataset.id = item.inbox_id;
    const main = document.createElement("div");
    main.className = "inbox-main";
    main.appendChild(titleNode(item));
    if (item.reference) {
      const ref = document.createElement("code");
      ref.className = "inbox-ref";
      ref.textContent = item.reference;
      main.append(" ", ref);
    }
    const meta = document.createElement("div");
    meta.className = "inbox-meta";
    const when = document.createElement("time");
    when.dateTime = item.created_at;
    // As the server renders times: "YYYY-MM-DD HH:MM" in the installation's display time zone.
    const shown = new Intl.DateTimeFormat("sv-SE", {
      timeZone: list.dataset.timezone || undefined,
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    });
    when.textContent = shown.format(new Date(item.created_at));
    const form = document.createElement("form");
    form.action = "/inbox/read";
    form.method = "post";
    form.className = "inline";
    form.setAttribute("hx-post", "/inbox/read");
    const csrf = document.createElement("input");
    csrf.type = "hidden";
    csrf.name = "csrf_token";
    csrf.value = document.querySelector('meta[name="csrf-token"]')?.content || "";
    const id = document.createElement("input");
    id.type = "hidden";
    id.name = "ids";
    id.value = item.inbox_id;
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "link-button";
    button.textContent = text.markRead;
    form.append(csrf, id, button);
    meta.append(when, " ", form);
    li.append(main, meta);
    list.prepend(li);
    if (window.htmx) window.htmx.process(li);
  }

  const source = new EventSource("/events/stream");
  source.addEventListener("notification", (event) => {
    let item;
    try {
      item = JSON.parse(event.data);
    } catch {
      return;
    }
    if (typeof item.unread === "number") setUnread(item.unread);
    toast(item);
    prepend(item);
    // The header's badge listens for this to refresh itself through HTMX.
    document.body.dispatchEvent(new CustomEvent("accord:notification", { detail: item }));
  });
  // Let tests and other scripts know the stream is open.
  source.addEventListener("open", () => document.documentElement.setAttribute("data-notify", "live"));
  window.addEventListener("beforeunload", () => source.close());
})();
