import { Locked as LockedForm } from '../../lock/locked';
import type { ScreenProps } from '../screen';

export function Locked({ status }: ScreenProps) {
  return <LockedForm status={status} />;
}
