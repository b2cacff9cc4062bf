// Forms marked data-quick-submit are built for people on the telephone: Enter on a drop-down
// or a tick box sends the form, as it already does in a text box, and Ctrl+Enter sends it
// from anywhere, the note included. Without JavaScript the form still works with the button.
document.querySelectorAll("form[data-quick-submit]").forEach(function (form) {
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) {
      return;
    }
    var field = event.target;
    var quickField = field.tagName === "SELECT" || (field.tagName === "INPUT" && field.type === "checkbox");
    if (quickField || event.ctrlKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
});
