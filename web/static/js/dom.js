// The page's DOM helpers, one copy for every module: nothing here touches the document until called.

export const $ = (id) => document.getElementById(id);

// An element with properties and children (strings become text).
export const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

// One listener on the colour scheme for the whole page; fn() runs after those added before it.
const schemeListeners = [];
export function onColourScheme(fn) {
  if (!schemeListeners.length) {
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => schemeListeners.forEach((f) => f()));
  }
  schemeListeners.push(fn);
}
