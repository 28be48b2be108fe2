/** Every options page section, in menu order. Adding one means a file and one line here. */
import type { Section } from './section';
import { Activity } from './sections/activity';
import { Backup } from './sections/backup';
import { Devices } from './sections/devices';
import { Records } from './sections/records';
import { Security } from './sections/security';
import { Sync } from './sections/sync';

export const SECTIONS: Section[] = [
  { id: 'records', label: 'Settings data', view: Records },
  { id: 'sync', label: 'Sync', view: Sync },
  { id: 'devices', label: 'Devices', view: Devices },
  { id: 'security', label: 'Security', view: Security },
  { id: 'activity', label: 'Activity', view: Activity },
  { id: 'backup', label: 'Backup', view: Backup },
];
