// Disconnect asks first: with JavaScript the question is a dialog on the list page;
// without it, the Disconnect button opens the confirmation page.
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-disconnect");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var form = dialog.querySelector("[data-confirm-form]");
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
  });

  dialog.querySelector("[data-cancel]").addEventListener("click", function () {
    dialog.close();
  });

  dialog.addEventListener("close", function () {
    if (opener && document.contains(opener)) opener.focus();
  });
})();
