import browser from 'webextension-polyfill';
import type { Status } from '../../host/contract';
import { badgeFor } from './badge-for';

let shown = '';

export async function showBadge(status: Status): Promise<void> {
  const badge = badgeFor(status);
  const key = `${badge.text}|${badge.title}`;
  if (key === shown) return;
  shown = key;
  await Promise.all([
    browser.action.setBadgeText({ text: badge.text }),
    browser.action.setBadgeBackgroundColor({ color: badge.color }),
    browser.action.setTitle({ title: badge.title }),
  ]);
}
