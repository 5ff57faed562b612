// The panel works without JavaScript; this file only makes it friendlier.
(function () {
  "use strict";

  // Times: the server writes them in UTC. Show each in the viewer's own time
  // zone and language (only the time of day when it is today), with the exact
  // time, zone included, on hover.
  var today = new Date().toDateString();
  document.querySelectorAll("time[datetime]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    var shown = when.toDateString() === today ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" };
    el.textContent = when.toLocaleString(undefined, shown);
    el.title = when.toLocaleString(undefined, { dateStyle: "full", timeStyle: "long" });
  });

  // Disconnect asks first: with JavaScript the question is a dialog on the list
  // page; without it, the Disconnect button opens the confirmation page.
  var dialog = document.getElementById("confirm-disconnect");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var form = dialog.querySelector("[data-confirm-form]");
  var cancel = dialog.querySelector("[data-cancel]");
  var opener = null;

  document.addEventListener("submit", function (event) {
    var trigger = event.target.closest("form[data-disconnect]");
    if (!trigger) return;
    event.preventDefault();
    var row = trigger.closest("tr");
    dialog.querySelector("[data-confirm-login]").textContent = row.dataset.login;
    dialog.querySelector("[data-confirm-ip]").textContent = row.dataset.ip;
    form.action = trigger.action;
    opener = trigger.querySelector("button");
    dialog.showModal();
    // The safe choice has the focus, so a stray Enter cancels.
    cancel.focus();
  });

  cancel.addEventListener("click", function () {
    dialog.close();
  });

  // Back to the row's own Disconnect button, however the dialog closed.
  dialog.addEventListener("close", function () {
    if (opener && document.contains(opener)) opener.focus();
  });
})();
