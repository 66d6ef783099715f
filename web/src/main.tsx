/** Boot: take a sign-in link's token out of the URL, read `/config.json`, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { takeTokenFromUrl } from './app/session';
import { loadRuntimeConfig } from './lib/api-client';
import './styles.css';

takeTokenFromUrl();

loadRuntimeConfig().finally(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
