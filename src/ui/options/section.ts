import type { ComponentType } from 'preact';
import type { Status } from '../../host/contract';

export interface SectionProps {
  status: Status;
}

export interface Section {
  /** Also the URL hash, so a section can be linked to (e.g. from the popup). */
  id: string;
  label: string;
  view: ComponentType<SectionProps>;
}
