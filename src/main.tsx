import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { prestartWorker } from './ui/workerClient';
import './ui/styles.css';

// The training worker's module loads while React renders the page.
prestartWorker();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
// A transition lets React render the first page in slices that yield to the browser (one
// blocking render of every panel was a page-load task of 130–200 ms on 2 cores).
startTransition(() => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
