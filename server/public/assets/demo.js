/* Demo bar of the sample article: signs in as the demo reader or moderator through the
   development token endpoint, then hands the token to the widget with Parley.setToken. */
(function () {
  'use strict';
  var KEY = 'parley-demo-session';
  var who = document.getElementById('demo-who');

  function describe(role) {
    who.textContent = role ? 'Signed in as the demo ' + role : 'Reading as a guest';
    document.querySelectorAll('.demo-actions button').forEach(function (b) {
      b.setAttribute('aria-pressed', String((b.getAttribute('data-role') || null) === role));
    });
  }

  function whenParley(fn) {
    if (window.Parley) return fn(window.Parley);
    window.addEventListener('load', function () {
      if (window.Parley) fn(window.Parley);
    });
  }

  function signIn(role) {
    who.textContent = 'Signing in…';
    return fetch('/api/v1/dev/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ siteId: 'demo', role: role }),
    })
      .then(function (res) {
        if (!res.ok) throw new Error('the development token endpoint answered ' + res.status);
        return res.json();
      })
      .then(function (body) {
        sessionStorage.setItem(KEY, JSON.stringify({ role: role, token: body.token }));
        whenParley(function (p) { p.setToken(body.token); });
        describe(role);
      })
      .catch(function (err) {
        who.textContent = 'Could not sign in: ' + err.message;
      });
  }

  document.querySelectorAll('.demo-actions button').forEach(function (button) {
    button.addEventListener('click', function () {
      var role = button.getAttribute('data-role');
      if (role) return signIn(role);
      sessionStorage.removeItem(KEY);
      whenParley(function (p) { p.setToken(null); });
      describe(null);
    });
  });

  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { saved = null; }
  if (saved && saved.token) {
    whenParley(function (p) { p.setToken(saved.token); });
    describe(saved.role);
  } else describe(null);
})();
