// The page's small vocabulary: elements, amounts, the notice line. No framework: the console is
// a few forms and tables, and every text goes in through textContent (nothing the chain or the
// user gives is ever parsed as HTML).

/**
 * An element: `h('td', { className: 'num' }, 'text', child)`. Attributes that are properties
 * (`className`, `value`, `onclick`) are set as such, others with setAttribute; children are
 * nodes, strings (as text) or arrays of either; null and false are skipped.
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key in el && key !== 'list') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el` with `children`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * `value` base units as an amount in the chain's unit: `1.5 UNIT` (all decimals that are not 0).
 * @param {bigint} value
 * @param {{ decimals: number, symbol: string }} unit
 */
export function amount(value, { decimals, symbol }) {
  const base = 10n ** BigInt(decimals);
  const whole = value / base;
  const frac = (value % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${whole.toLocaleString('en')}${frac ? `.${frac}` : ''} ${symbol}`;
}

/**
 * An amount typed by a person (`1.5`, in the chain's unit) as base units; throws on anything else.
 * @param {string} text
 * @param {{ decimals: number }} unit
 * @returns {bigint}
 */
export function parseAmount(text, { decimals }) {
  const match = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(text);
  if (!match || (match[2] ?? '').length > decimals) throw new Error(`"${text}" is not an amount with at most ${decimals} decimals`);
  return BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt((match[2] ?? '').padEnd(decimals, '0') || '0');
}

/** A long id shortened for a table cell, whole in its title. */
export function short(text, keep = 10) {
  return text.length <= 2 * keep + 1 ? text : h('span', { title: text, className: 'mono' }, `${text.slice(0, keep)}…${text.slice(-keep)}`);
}

const notice = () => document.getElementById('notice');

/** Shows `message` in the notice line: an error (default) or, with `ok`, a success. */
export function say(message, { ok = false } = {}) {
  const el = notice();
  el.textContent = message;
  el.className = ok ? 'ok' : '';
  el.hidden = false;
}

/** Hides the notice line. */
export function clearNotice() {
  notice().hidden = true;
}

/** A definition list of `[term, value]` pairs. */
export function facts(pairs) {
  return h('dl', { className: 'facts' }, pairs.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
}
