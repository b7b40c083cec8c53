// Assistance pages: count running deadlines down each second, add subject rows to the new
// form, and reload a request's page when a live notification names it (unless the reader is
// typing in one of its forms: then say so, and let them reload).
(() => {
  const pad = (n) => String(n).padStart(2, "0");

  function span(seconds, dayLabel) {
    const days = Math.floor(seconds / 86400);
    let rest = seconds % 86400;
    const hours = Math.floor(rest / 3600);
    rest %= 3600;
    const minutes = Math.floor(rest / 60);
    const secs = rest % 60;
    if (days) return `${dayLabel.replace("{d}", days)} ${pad(hours)}:${pad(minutes)}`;
    return `${hours}:${pad(minutes)}:${pad(secs)}`;
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach((el) => {
      const due = Date.parse(el.dataset.due);
      if (Number.isNaN(due)) return;
      const left = Math.round((due - now) / 1000);
      const template = left < 0 ? el.dataset.late : el.dataset.left;
      el.textContent = template.replace("{t}", span(Math.abs(left), el.dataset.day || "{d} d"));
      el.classList.toggle("sla-overdue", left < 0);
    });
  }
  setInterval(tick, 1000);

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-row]");
    if (!button) return;
    const body = document.querySelector(`${button.dataset.addRow} tbody`);
    const last = body && body.querySelector("tr:last-child");
    if (!last) return;
    const row = last.cloneNode(true);
    row.querySelectorAll("input").forEach((input) => { input.value = ""; });
    body.appendChild(row);
  });

  // A form sent once (the new request): a second click while the first is on its way would
  // send the request twice.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-once]");
    if (!form) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
  });

  function typing(page) {
    return Array.from(page.querySelectorAll("form textarea, form input")).some((el) => {
      if (el.type === "hidden" || el.type === "radio" || el.type === "checkbox") return false;
      if (el.type === "file") return el.files && el.files.length > 0;
      return el.value !== el.defaultValue;
    });
  }

  const page = document.getElementById("assist-request");
  if (page) {
    const refs = (page.dataset.liveRefs || page.dataset.reference || "").split(" ");
    document.body.addEventListener("accord:notification", (event) => {
      const item = event.detail || {};
      if (!refs.includes(item.reference)) return;
      if (typing(page)) {
        const notice = document.getElementById("assist-changed");
        if (notice) notice.hidden = false;
        return;
      }
      window.location.reload();
    });
  }
})();
