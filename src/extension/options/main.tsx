import '../../ui/theme.css';
import { render } from 'preact';
import { Options } from '../../ui/options/options';
import { createPageBridge } from '../page-bridge';

const root = document.getElementById('app');
if (!root) throw new Error('options/index.html has no #app element');
render(<Options bridge={createPageBridge()} />, root);
