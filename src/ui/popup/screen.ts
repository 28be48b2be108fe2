import type { ComponentType } from 'preact';
import type { Status } from '../../host/contract';

export type Route =
  /** `joinLater`: the person put off the devices asking to join; the overview still lists them. */
  { name: 'home'; joinLater?: boolean } | { name: 'conflicts' } | { name: 'conflict'; id: string };

export interface ScreenProps {
  status: Status;
  route: Route;
  navigate(route: Route): void;
  /** Shown after a new account's key is created, until the person confirms they saved it. */
  showRecoveryKey(key: string): void;
}

export interface Screen {
  id: string;
  /** The first screen whose `when` matches the status is shown. */
  when(status: Status, route: Route): boolean;
  view: ComponentType<ScreenProps>;
}
