// parcours web: the little the pages need beyond htmx and Alpine (no request to another host).
"use strict";
(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  // Upload through the API (POST /api/v1/ingest, with the session's CSRF token), then follow the job.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-api-upload]")) return;
    event.preventDefault();
    var status = form.querySelector("[data-status]");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    if (status) status.textContent = form.getAttribute("data-sending") || "";
    fetch(form.getAttribute("data-api-upload"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (answer.ok && answer.body.id) {
        window.location.assign(form.getAttribute("data-next").replace("{id}", answer.body.id));
      } else {
        if (status) status.textContent = answer.body.detail || answer.body.title || "";
        if (button) button.disabled = false;
      }
    }).catch(function () { if (button) button.disabled = false; });
  });
  // Print the page (A3 landscape in the print style sheet).
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) { event.preventDefault(); window.print(); }
  });
})();
