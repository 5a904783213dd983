// Field validation helpers for the intranet forms (client side only; the server validates again).
var ContosoValidation = (function () {
    "use strict";
    function value(id) {
        var el = document.getElementById(id);
        return el ? String(el.value).replace(/^\s+|\s+$/g, "") : "";
    }
    function required(id) { return value(id).length > 0; }
    function email(id) { return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value(id)); }
    function range(id, lo, hi) {
        var n = Number(value(id));
        return !isNaN(n) && n >= lo && n <= hi;
    }
    function mark(id, ok, msg) {
        var el = document.getElementById(id), err = document.getElementById(id + "_err");
        if (el) { el.setAttribute("aria-invalid", ok ? "false" : "true"); }
        if (err) { err.style.display = ok ? "none" : "inline"; err.textContent = ok ? "" : msg; }
        return ok;
    }
    function validateForm(rules) {
        var ok = true, i, r;
        for (i = 0; i < rules.length; i++) {
            r = rules[i];
            ok = mark(r.id, r.test(r.id), r.message) && ok;
        }
        return ok;
    }
    return { required: required, email: email, range: range, validateForm: validateForm };
})();
