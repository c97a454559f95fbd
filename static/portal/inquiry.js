// New inquiry (portal): previews of the files picked, files added over several picks, a
// warning for files over the size limit. Without JavaScript the form still works: the server
// checks every file and keeps those that pass.
(function () {
  "use strict";

  function formatSize(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + " MB";
    if (bytes >= 1024) return Math.round(bytes / 1024) + " KB";
    return bytes + " B";
  }

  function setUp(input) {
    var list = document.getElementById(input.id + "_previews");
    if (!list) return;
    var maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
    var chosen = [];
    var canMerge = typeof DataTransfer !== "undefined";

    function sync() {
      if (!canMerge) return;
      var transfer = new DataTransfer();
      chosen.forEach(function (file) {
        if (!maxBytes || file.size <= maxBytes) transfer.items.add(file);
      });
      input.files = transfer.files;
    }

    function render() {
      list.textContent = "";
      chosen.forEach(function (file, index) {
        var item = document.createElement("li");
        if (/^image\/(jpeg|png|gif|webp)$/.test(file.type)) {
          var img = document.createElement("img");
          img.alt = "";
          img.width = 96;
          img.height = 96;
          var reader = new FileReader();
          reader.onload = function () { img.src = reader.result; };
          reader.readAsDataURL(file);
          item.appendChild(img);
        }
        var name = document.createElement("span");
        name.className = "file-name";
        name.textContent = file.name + " (" + formatSize(file.size) + ")";
        item.appendChild(name);
        if (maxBytes && file.size > maxBytes) {
          var warning = document.createElement("span");
          warning.className = "field-error";
          warning.textContent = input.dataset.tooLarge || "";
          item.appendChild(warning);
        }
        if (canMerge) {
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "link-button";
          remove.textContent = (input.dataset.removeLabel || "Remove") + " " + file.name;
          remove.addEventListener("click", function () {
            chosen.splice(index, 1);
            sync();
            render();
            input.focus();
          });
          item.appendChild(remove);
        }
        list.appendChild(item);
      });
    }

    input.addEventListener("change", function () {
      var picked = Array.prototype.slice.call(input.files || []);
      chosen = canMerge ? chosen.concat(picked) : picked;
      sync();
      render();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('form.inquiry-form input[type="file"]').forEach(setUp);
  });
})();
