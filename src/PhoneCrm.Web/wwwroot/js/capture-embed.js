// Embeds a PhoneCrm capture form: <script src=".../js/capture-embed.js" data-form="https://…/f/{tenant}/{key}" async></script>
// The iframe gets ?src=<this page's address>, which the server records as the consent's source URL.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var url = script.getAttribute('data-form');
  if (!url) return;
  var frame = document.createElement('iframe');
  frame.src = url + (url.indexOf('?') < 0 ? '?' : '&') + 'src=' + encodeURIComponent(location.href);
  frame.title = script.getAttribute('data-title') || 'Form';
  frame.style.cssText = 'width:100%;max-width:640px;height:720px;border:0';
  frame.loading = 'lazy';
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
