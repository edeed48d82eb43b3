// Key bindings for the labeling queue. The page works without this file: every action is a plain form.
(function () {
  'use strict';
  var KEYS = /^[1-9su]$/;
  var sent = false;

  function typingIn(target) {
    return (
      target instanceof Element &&
      target.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])') !== null
    );
  }

  document.addEventListener('keydown', function (event) {
    if (sent || event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target)) return;
    var key = event.key.toLowerCase();
    if (!KEYS.test(key)) return;
    var button = document.querySelector('button[data-shortcut="' + key + '"]');
    if (!button || button.disabled) return;
    event.preventDefault();
    // One answer per page: a second key press before the next page loads would answer the same item again.
    sent = true;
    button.classList.add('is-pressed');
    button.click();
  });

  document.addEventListener('submit', function () {
    sent = true;
  });

  // Coming back with the Back button restores the page from cache: let the keys work again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    sent = false;
    document.querySelectorAll('.is-pressed').forEach(function (b) {
      b.classList.remove('is-pressed');
    });
  });
})();
