import '../ui/theme.css';
import './admin.css';
import { render } from 'preact';
import { AdminApp } from './app';

const root = document.getElementById('app');
if (!root) throw new Error('src/admin/index.html has no #app element');
render(<AdminApp />, root);
