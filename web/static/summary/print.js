// The summary page's print button: shown only where scripts run (not in a downloaded copy).
const button = document.getElementById("print");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
