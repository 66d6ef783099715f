/** Boot: take a sign-in link's one-time code out of the URL first, read `/config.json`, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { takeSignInCodeFromUrl } from './app/session';
import { loadRuntimeConfig } from './lib/api-client';
import './styles.css';

takeSignInCodeFromUrl();

loadRuntimeConfig().finally(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
