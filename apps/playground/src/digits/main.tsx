import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DigitsApp } from './DigitsApp';
import '../styles.css';
import './digits.css';
import './page-nav.css';

const root = document.getElementById('root');
if (!root) throw new Error('digits.html has no #root');
createRoot(root).render(
  <StrictMode>
    <DigitsApp />
  </StrictMode>,
);
