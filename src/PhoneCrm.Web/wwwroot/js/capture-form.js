// Public capture form: the +7 (XXX) XXX-XX-XX mask on type=tel inputs. Works without it too (the server parses any format).
(function () {
  'use strict';
  function format(value) {
    var digits = value.replace(/\D/g, '');
    if (digits.length === 0) return '';
    // The country code (already shown as +7) or the trunk prefix 8 typed first is not part of the 10 national digits.
    if (value.trim().indexOf('+7') === 0 || digits[0] === '8' || digits[0] === '7') digits = digits.slice(1);
    digits = digits.slice(0, 10);
    var out = '+7';
    if (digits.length > 0) out += ' (' + digits.slice(0, 3);
    if (digits.length > 3) out += ') ' + digits.slice(3, 6);
    if (digits.length > 6) out += '-' + digits.slice(6, 8);
    if (digits.length > 8) out += '-' + digits.slice(8, 10);
    return out;
  }
  document.querySelectorAll('input[data-phone-mask="ru"]').forEach(function (input) {
    input.addEventListener('input', function () {
      var masked = format(input.value);
      if (masked !== input.value) input.value = masked;
    });
    input.addEventListener('blur', function () { if (input.value.replace(/\D/g, '').length <= 1) input.value = ''; });
  });
})();
