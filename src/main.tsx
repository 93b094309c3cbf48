import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { prestartWorker } from './ui/workerClient';
import './ui/styles.css';

// The training worker's module loads while React renders the page.
prestartWorker();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
