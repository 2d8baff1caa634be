// The profile dialog's picture. Chosen with "Choose a picture" (#avatar-upload),
// previewed beside the current one, and uploaded with the session token to
// /api/profile/avatar when the form is saved; only once it is stored does the form
// go on to the server (ProfileState.save), which then shows it everywhere. The
// server checks everything again and answers refusals in the page's language.
(function () {
  const el = (id) => document.getElementById(id);
  const PICTURES = /^image\/(png|jpeg|webp|gif)$/;
  let busy = false;

  // A string of the input's data-text-* attributes (in the page's language).
  function text(key) {
    const input = el("avatar-upload");
    return (input && input.dataset["text" + key]) || key;
  }

  function showError(message) {
    const line = el("avatar-error");
    if (line) line.textContent = message;
  }

  function preview(file) {
    const box = el("avatar-preview");
    if (!box) return;
    box.replaceChildren();
    if (!file) return;
    const image = document.createElement("img");
    image.alt = text("Preview");
    image.src = URL.createObjectURL(file);
    image.addEventListener("load", () => URL.revokeObjectURL(image.src));
    // Not a picture after all (the server will say so): no broken image.
    image.addEventListener("error", () => {
      URL.revokeObjectURL(image.src);
      image.remove();
    });
    box.appendChild(image);
  }

  function setBusy(form, on) {
    busy = on;
    form.setAttribute("aria-busy", String(on));
    const save = el("profile-save");
    if (save) save.disabled = on;
  }

  async function upload(file) {
    const body = new FormData();
    body.append("file", file, file.name);
    let response;
    try {
      response = await fetch("/api/profile/avatar", {
        method: "POST",
        body,
        headers: {
          Authorization: "Bearer " + (localStorage.getItem("chat_session") || ""),
          "Accept-Language": document.documentElement.lang || "pt-BR",
        },
      });
    } catch (error) {
      showError(text("Failed"));
      return false;
    }
    if (response.ok) return true;
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = {};
    }
    showError((answer.error && answer.error.message) || text("Failed"));
    return false;
  }

  window.prosaPickAvatar = function () {
    const input = el("avatar-upload");
    if (input) input.click();
  };

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!input || input.id !== "avatar-upload") return;
    showError("");
    const file = input.files && input.files[0];
    const limit = Number(input.dataset.maxBytes) || 0;
    let refusal = "";
    if (file && !PICTURES.test(file.type)) refusal = text("NotImage");
    else if (file && limit && file.size > limit) refusal = text("TooLarge");
    if (refusal) {
      showError(refusal);
      input.value = "";
    }
    preview(refusal ? null : file);
  });

  // Capture: runs before React sees the submit, so the picture goes first.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!form || form.id !== "profile-form") return;
      const input = el("avatar-upload");
      const file = input && input.files && input.files[0];
      if (!file && !busy) return; // the name alone goes on to the server
      event.preventDefault();
      event.stopPropagation();
      if (busy) return;
      showError("");
      setBusy(form, true);
      upload(file).then((stored) => {
        setBusy(form, false);
        if (!stored || !form.isConnected) return;
        input.value = "";
        form.requestSubmit();
      });
    },
    true,
  );
})();
