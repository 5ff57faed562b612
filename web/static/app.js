// The panel works without JavaScript; this file only makes it friendlier.
(function () {
  "use strict";

  // Times: the server writes them in UTC. Show each in the viewer's own time
  // zone and in the page's language (only the time of day when it is today),
  // with the exact time, zone included, on hover. A clock (data-clock) is
  // always HH:MM.
  var lang = viewerLocale(document.documentElement.lang);

  // viewerLocale is the page's language as the viewer's own browser writes it
  // (en-GB rather than en, de-AT rather than de), for its order of day and
  // month and its clock; the page's language when the browser speaks another.
  function viewerLocale(page) {
    if (!page) return undefined;
    var primary = page.split("-")[0].toLowerCase();
    var own = [new Intl.DateTimeFormat().resolvedOptions().locale].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < own.length; i++) {
      if (own[i] && own[i].split("-")[0].toLowerCase() === primary) return own[i];
    }
    return page;
  }
  function localTimes(root) {
    var today = new Date().toDateString();
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      var shown = when.toDateString() === today ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" };
      if (el.hasAttribute("data-clock")) shown = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
      el.textContent = when.toLocaleString(lang, shown);
      el.title = when.toLocaleString(lang, { dateStyle: "full", timeStyle: "long" });
    });
  }
  localTimes(document);

  // The list keeps itself up to date: the server pushes its live part (totals,
  // chart, table, pager) whenever it changes. Rows are updated in place, so the
  // focus and the Disconnect buttons stay where they are.
  var live = document.getElementById("live");
  if (live && live.dataset.liveUrl && typeof EventSource === "function") {
    var stream = new EventSource(live.dataset.liveUrl);
    stream.addEventListener("sessions", function (event) {
      var next = document.createElement("div");
      next.innerHTML = event.data;
      updateLive(live, next);
      localTimes(live);
    });
  }

  function updateLive(cur, next) {
    var curBody = cur.querySelector("table.sessions tbody");
    var nextBody = next.querySelector("table.sessions tbody");
    if (!curBody || !nextBody) {
      // Between the empty state and the table: nothing to keep.
      cur.replaceChildren.apply(cur, Array.prototype.slice.call(next.childNodes));
      return;
    }
    next.querySelectorAll("[data-live-part]").forEach(function (part) {
      var old = cur.querySelector('[data-live-part="' + part.dataset.livePart + '"]');
      if (old && old.innerHTML !== part.innerHTML) old.innerHTML = part.innerHTML;
    });
    var rows = {};
    Array.prototype.forEach.call(curBody.rows, function (row) { rows[row.dataset.sessionId] = row; });
    var prev = null;
    Array.prototype.slice.call(nextBody.rows).forEach(function (fresh) {
      var row = rows[fresh.dataset.sessionId];
      if (row) {
        delete rows[fresh.dataset.sessionId];
        updateRow(row, fresh);
      } else {
        row = fresh;
      }
      var want = prev ? prev.nextElementSibling : curBody.firstElementChild;
      if (row !== want) curBody.insertBefore(row, want);
      prev = row;
    });
    Object.keys(rows).forEach(function (id) {
      var gone = rows[id];
      if (gone.contains(document.activeElement)) live.focus();
      gone.remove();
    });
  }

  function updateRow(row, fresh) {
    row.className = fresh.className;
    row.dataset.login = fresh.dataset.login;
    row.dataset.ip = fresh.dataset.ip;
    for (var i = 0; i < fresh.cells.length && i < row.cells.length; i++) {
      var cell = row.cells[i], next = fresh.cells[i];
      // Keep the buttons, their focus and the ticked boxes.
      if (cell.classList.contains("actions") || cell.classList.contains("select")) continue;
      if (cell.innerHTML !== next.innerHTML) {
        cell.innerHTML = next.innerHTML;
        if (next.dataset.state) cell.dataset.state = next.dataset.state;
      }
    }
  }

  // Disconnect asks first: with JavaScript the question is a dialog on the list
  // page; without it, the Disconnect button opens the confirmation page. The
  // same goes for "Disconnect all shown", whose dialog says how many.
  var dialog = document.getElementById("confirm-disconnect");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var form = dialog.querySelector("[data-confirm-form]");
  var kick = document.getElementById("confirm-kick");
  // "Limit speed…" opens a dialog with the same choices as its page.
  var limit = document.getElementById("limit-dialog");
  var opener = null;

  function ask(box, trigger) {
    opener = trigger.querySelector("button");
    box.querySelectorAll('input[name="reason"]').forEach(function (input) { input.value = ""; });
    box.showModal();
    // The safe choice has the focus, so a stray Enter cancels.
    box.querySelector("[data-cancel]").focus();
  }

  // sessionCount says "2 sessions" in the page's language, from the forms the
  // server wrote in the dialog: the one whose sample count has the same plural
  // form as n.
  function sessionCount(n) {
    var page = document.documentElement.lang || "en";
    var forms = JSON.parse(limit.dataset.sessionCount || "{}");
    var rules = new Intl.PluralRules(page);
    var want = rules.select(n);
    var samples = Object.keys(forms);
    for (var i = 0; i < samples.length; i++) {
      if (rules.select(Number(samples[i])) === want) return forms[samples[i]].replace("{n}", n.toLocaleString(page));
    }
    return String(n);
  }

  // The ticked rows' ids go with the limit dialog's form as hidden fields;
  // a row's own "Limit speed…" takes them out again.
  function setBulkIDs(ids) {
    var limitForm = limit.querySelector("[data-limit-form]");
    limitForm.querySelectorAll("[data-bulk-id]").forEach(function (input) { input.remove(); });
    ids.forEach(function (id) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "id";
      input.value = id;
      input.setAttribute("data-bulk-id", "");
      limitForm.appendChild(input);
    });
  }

  document.addEventListener("submit", function (event) {
    // "Limit speed…" for the ticked rows: the same dialog, for all of them.
    // With none ticked, the server says to tick some first.
    var submitter = event.submitter;
    if (limit && submitter && submitter.hasAttribute("data-bulk-limit")) {
      var ticked = Array.prototype.map.call(
        document.querySelectorAll('input[name="id"][form="bulk"]:checked'),
        function (box) { return box.value; });
      if (ticked.length > 0) {
        event.preventDefault();
        limit.querySelector("[data-limit-login]").textContent = sessionCount(ticked.length);
        limit.querySelector("[data-limit-form]").action = submitter.formAction;
        setBulkIDs(ticked);
        opener = submitter;
        limit.showModal();
        limit.querySelector('input[name="rate"]:checked').focus();
      }
      return;
    }
    var trigger = event.target.closest("form[data-disconnect]");
    if (trigger) {
      event.preventDefault();
      var row = trigger.closest("tr");
      dialog.querySelector("[data-confirm-login]").textContent = row.dataset.login;
      dialog.querySelector("[data-confirm-ip]").textContent = row.dataset.ip;
      form.action = trigger.action;
      ask(dialog, trigger);
      return;
    }
    trigger = event.target.closest("form[data-limit]");
    if (trigger && limit) {
      event.preventDefault();
      limit.querySelector("[data-limit-login]").textContent = trigger.closest("tr").dataset.login;
      setBulkIDs([]);
      limit.querySelector("[data-limit-form]").action = trigger.action;
      opener = trigger.querySelector("button");
      limit.showModal();
      limit.querySelector('input[name="rate"]:checked').focus();
      return;
    }
    trigger = event.target.closest("form[data-kick]");
    if (trigger && kick) {
      event.preventDefault();
      var shown = document.querySelector('[data-live-part="shown-count"]');
      kick.querySelector("[data-kick-count]").textContent = shown ? shown.textContent : "";
      ask(kick, trigger);
    }
  });

  // Typing a custom speed chooses "Other".
  if (limit) {
    limit.querySelector('input[name="custom"]').addEventListener("input", function () {
      limit.querySelector('input[name="rate"][value="custom"]').checked = true;
    });
  }

  [dialog, kick, limit].forEach(function (box) {
    if (!box) return;
    box.querySelector("[data-cancel]").addEventListener("click", function () {
      box.close();
    });
    // Back to the button that opened it, however the dialog closed.
    box.addEventListener("close", function () {
      if (opener && document.contains(opener)) opener.focus();
    });
  });
})();
