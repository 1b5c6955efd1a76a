// Sign-in: posts the token as JSON (never in a URL), then goes to Overview.
document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.hidden = true;
  const token = document.getElementById('token').value;
  const response = await fetch('/admin/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
    credentials: 'same-origin',
  });
  if (response.ok) {
    location.assign('/admin/overview');
    return;
  }
  const body = await response.json().catch(() => ({}));
  error.textContent = body.error || `sign-in failed (${response.status})`;
  error.hidden = false;
});
