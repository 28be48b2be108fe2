import '../../ui/theme.css';
import { render } from 'preact';
import { Popup } from '../../ui/popup/popup';
import { createPageBridge } from '../page-bridge';

const root = document.getElementById('app');
if (!root) throw new Error('popup/index.html has no #app element');
render(<Popup bridge={createPageBridge()} />, root);
