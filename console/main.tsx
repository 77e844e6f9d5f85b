import { render } from 'preact';
import { App } from './app';
import './styles.css';

/** Entry point of the bundle app/ops-console.ts builds: mounts the console into the shell's #app. */
const root = document.getElementById('app');
if (root) render(<App />, root);
