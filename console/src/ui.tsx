import type { ComponentChildren } from 'preact';
import { onLink } from './router';

export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a href={props.href} class={props.class} onClick={onLink}>
      {props.children}
    </a>
  );
}

export function Status(props: { value: string }) {
  return <span class={`badge s-${props.value}`}>{props.value}</span>;
}

export function ErrorBox(props: { error: unknown }) {
  if (!props.error) return null;
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

export function when(iso: string | undefined | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function FieldError(props: { name: string; error: { parameter?: string; message: string } | undefined }) {
  const e = props.error;
  if (!e?.parameter) return null;
  const p = e.parameter;
  const n = props.name;
  if (p !== n && !p.startsWith(`${n}.`) && !p.startsWith(`${n}[`)) return null;
  return (
    <span class="field-error" id={`err-${n}`} role="alert">
      {e.message}
    </span>
  );
}
