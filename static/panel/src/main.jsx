// Starts the requester panel: Jira's theme, the agent's locale and time zone, then the panel.
import './panel.css';
import { view } from '@forge/bridge';
import { createRoot } from 'react-dom/client';
import { formatter } from '../../admin/src/format.js';
import { enableTheme } from '../../admin/src/theme.js';
import { Panel } from './Panel.jsx';

enableTheme();
const context = await view.getContext().catch(() => null);
createRoot(document.getElementById('root')).render(<Panel fmt={formatter(context ?? {})} />);
