// 清风: small behaviours that need script. No inline handlers: the CSP forbids them.
document.addEventListener("htmx:responseError", function (e) {
  var box = document.getElementById("flash");
  if (!box) {
    box = document.createElement("div");
    box.id = "flash";
    box.className = "alert error";
    var main = document.querySelector("main") || document.body;
    main.insertBefore(box, main.firstChild);
  }
  var msg = "操作失败";
  try { msg = JSON.parse(e.detail.xhr.responseText).error.message || msg; } catch (_) {}
  box.textContent = msg;
});
