// The demo pages' own listener: shows each event the widget posts, as a clinic's site would receive it.
window.addEventListener("message", (event) => {
  if (event.origin !== window.location.origin) return;
  const data = event.data;
  if (!data || data.type !== "reflection-chat") return;
  const item = document.createElement("li");
  item.textContent = JSON.stringify(data);
  item.dataset.event = data.event;
  document.getElementById("events").append(item);
});
