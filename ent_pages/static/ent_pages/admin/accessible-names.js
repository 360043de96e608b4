/* Accessible names for three controls of Wagtail's admin that its own markup leaves unnamed (axe-core:
   "label", "aria-input-field-name"; see tests/look/test_accessibility.py). Nothing else is changed.
   - the rich text editor (Draftail) of a StreamField block: named by the block's heading;
   - the text box where tags are typed (tag-it): named by the tag field's label;
   - the file input of the multiple upload: named by the button it lies over ("Or choose from your computer").
   Blocks added later get their names too (MutationObserver). */
(function () {
  "use strict";

  function named(element) {
    return element.hasAttribute("aria-label") || element.hasAttribute("aria-labelledby") || element.labels?.length;
  }

  function labelFor(inputId) {
    return inputId ? document.querySelector(`label[for="${CSS.escape(inputId)}"]`) : null;
  }

  function labelledBy(element, source) {
    if (!source) return;
    if (!source.id) source.id = `preau-name-${Math.random().toString(36).slice(2)}`;
    element.setAttribute("aria-labelledby", source.id);
  }

  function nameRichTextEditors(root) {
    root.querySelectorAll(".public-DraftEditor-content[role='textbox']").forEach((editor) => {
      if (named(editor)) return;
      const panel = editor.closest(".w-panel__content[id$='-content']");
      const heading = panel && document.getElementById(panel.id.replace(/-content$/, "-heading"));
      const input = editor.closest("[data-field-input]")?.querySelector("input[type='hidden'][id]");
      labelledBy(editor, labelFor(input?.id) || heading);
    });
  }

  function nameTagInputs(root) {
    root.querySelectorAll("ul.tagit .tagit-new input").forEach((input) => {
      if (named(input)) return;
      const original = input.closest("ul.tagit")?.previousElementSibling;
      labelledBy(input, labelFor(original?.id));
    });
  }

  function nameFileInputs(root) {
    root.querySelectorAll(".replace-file-input input[type='file']").forEach((input) => {
      if (named(input)) return;
      labelledBy(input, input.parentElement.querySelector("button"));
    });
  }

  function nameAll() {
    nameRichTextEditors(document);
    nameTagInputs(document);
    nameFileInputs(document);
  }

  let pending = false;
  function later() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      nameAll();
    });
  }

  function start() {
    nameAll();
    new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
