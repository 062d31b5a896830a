/**
 * What the page shows when it has no sign-in (no token cookie, or one the server does not know):
 * what to do, and a field for the token, which goes to the start-up URL (`/?token=…`), where the
 * server sets its cookie. Built with DOM calls and text only, like the rest of the client.
 */

export function showSignIn(container: HTMLElement): void {
  if (container.querySelector('.a2-signin')) return;
  const panel = document.createElement('section');
  panel.className = 'a2-signin';
  panel.setAttribute('aria-labelledby', 'a2-signin-title');
  const title = document.createElement('h1');
  title.id = 'a2-signin-title';
  title.textContent = 'Sign in needed';
  const why = document.createElement('p');
  why.textContent = 'This browser is not signed in. Open the start-up link the server printed when it started (http://127.0.0.1:3000/?token=…), or paste its token here.';
  const label = document.createElement('label');
  label.className = 'a2-field-label';
  const labelText = document.createElement('span');
  labelText.className = 'a2-field-label-text';
  labelText.textContent = 'Access token';
  const input = document.createElement('input');
  input.type = 'password';
  input.autocomplete = 'current-password';
  input.className = 'a2-control';
  label.append(labelText, input);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'a2-button a2-button--primary';
  button.textContent = 'Sign in';
  const go = () => {
    const token = input.value.trim();
    if (token) location.assign(`/?token=${encodeURIComponent(token)}`);
    else input.focus();
  };
  button.addEventListener('click', go);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') go();
  });
  const field = document.createElement('div');
  field.className = 'a2-field a2-textfield';
  field.append(label);
  panel.append(title, why, field, button);
  container.replaceChildren(panel);
  input.focus();
}
