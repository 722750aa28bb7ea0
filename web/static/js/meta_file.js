// A model's whole meta.json, fetched once per model: the page embeds only what its first frame needs, and
// the figures and the style row read the rest when they are first shown.
const fetched = new Map(); // model name -> the promise of its meta.json

export function fullMeta(meta) {
  if (!fetched.has(meta.name)) {
    const url = `models/${meta.name}/meta.json`;
    const loading = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json();
    });
    loading.catch(() => fetched.delete(meta.name)); // a failure is tried again next time
    fetched.set(meta.name, loading);
  }
  return fetched.get(meta.name);
}
