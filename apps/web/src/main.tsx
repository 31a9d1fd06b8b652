import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppRoot } from './app/app-root';
import { initI18n } from './app/i18n/i18n';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

void initI18n().then(() => {
  createRoot(container).render(
    <StrictMode>
      <AppRoot />
    </StrictMode>,
  );
});
