// Submits the selectors as soon as one changes; without JavaScript the Apply button does it.
for (const form of document.querySelectorAll('form[data-autosubmit]')) {
  form.classList.add('js-autosubmit');
  form.addEventListener('change', () => form.requestSubmit());
}
