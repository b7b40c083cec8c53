// Accord's small behaviours that HTMX does not cover. No inline scripts: one delegated listener.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("button.toggle");
  if (!toggle) return;
  const item = toggle.closest("li");
  const open = item.getAttribute("aria-expanded") === "true";
  item.setAttribute("aria-expanded", open ? "false" : "true");
  toggle.textContent = open ? "+" : "−";
  toggle.setAttribute("aria-label", open ? toggle.dataset.labelShow : toggle.dataset.labelHide);
});
