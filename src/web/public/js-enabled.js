// Marks the page as having JavaScript, as nhsuk-frontend's template does inline (kept external for the CSP).
document.body.classList.add('js-enabled');
if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('nhsuk-frontend-supported');
