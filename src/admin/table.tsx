/**
 * The admin page's tables and action results. A table names its columns once; on a phone each
 * row becomes a card whose cells say what they are (admin.css), so every cell carries its
 * column's name as `data-label`.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Instant } from './api';
import { useFocusOnShow, When } from './kit';

/** The column of a row's actions has no visible heading. */
export const ACTIONS = '';

export function Table(props: {
  columns: readonly string[];
  labelledBy?: string;
  children: ComponentChildren;
}) {
  return (
    <table class="stacked" aria-labelledby={props.labelledBy}>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th key={column} scope="col">
              {column === ACTIONS ? <span class="sr-only">Actions</span> : column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

export function Cell(props: { label: string; class?: string; children?: ComponentChildren }) {
  return (
    <td data-label={props.label === ACTIONS ? 'Actions' : props.label} class={props.class}>
      {props.children}
    </td>
  );
}

export function TimeCell({ label, at }: { label: string; at: Instant | null }) {
  return (
    <Cell label={label}>
      <When at={at} />
    </Cell>
  );
}

/**
 * What the last action did, announced, and focused so keyboard users continue from there (the
 * button they pressed may be gone with its row).
 */
export function useResult(): [ComponentChildren, (message: string) => void] {
  const [message, setMessage] = useState('');
  const ref = useFocusOnShow<HTMLParagraphElement>(message);
  const shown = (
    <p ref={ref} tabIndex={-1} role="status" class={message ? 'alert ok' : 'sr-only'}>
      {message}
    </p>
  );
  return [shown, setMessage];
}
