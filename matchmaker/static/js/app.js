// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  // Registration: show the "existing" or "new organization" section for the chosen option.
  var radios = document.querySelectorAll("input[name='org_choice']");
  function syncOrgSections() {
    var chosen = document.querySelector("input[name='org_choice']:checked");
    document.querySelectorAll("[data-org-section]").forEach(function (el) {
      el.hidden = !chosen || el.getAttribute("data-org-section") !== chosen.value;
    });
  }
  radios.forEach(function (r) { r.addEventListener("change", syncOrgSections); });
  if (radios.length) syncOrgSections();

  // Buttons that ask before a consequential action: <button data-confirm="...">.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });

  // Selects that submit their form when changed: <select data-autosubmit>.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });

  // A select whose value names the next field: <select data-names-next>.
  document.querySelectorAll("select[data-names-next]").forEach(function (el) {
    el.addEventListener("change", function () { el.nextElementSibling.name = el.value; });
  });
});
