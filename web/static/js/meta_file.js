// A model's files, and its whole meta.json fetched once per model: the page embeds only what its first
// frame needs, and the figures and the style row read the rest when they are first shown.
export const modelFile = (meta, file) => `models/${meta.name}/${file}`;

const fetched = new Map(); // model name -> the promise of its meta.json

export function fullMeta(meta) {
  if (!fetched.has(meta.name)) {
    const url = modelFile(meta, 'meta.json');
    const loading = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json();
    });
    loading.catch(() => fetched.delete(meta.name)); // a failure is tried again next time
    fetched.set(meta.name, loading);
  }
  return fetched.get(meta.name);
}
