/* Digest search, in the browser, on the index that digest build writes
   under /search/ (format: generator/search). Pure functions
   first (node tests them), then the page code. */
(() => {
'use strict';
const W = '\\p{L}\\p{Nd}\\p{Mn}\\p{Mc}',
  SPLIT = new RegExp(`[^${W}]+`, 'u'),
  WORD = new RegExp(`[${W}]+`, 'gu'),
  END = new RegExp(`[${W}]$`, 'u'),
  C = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}',
  RUN = new RegExp(`[${C}]|[^${C}]+`, 'gu'),
  B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  VAL = new Int8Array(128),
  MAX = 40;
for (let i = 0; i < 64; i++) VAL[B64.charCodeAt(i)] = i;

// fold lowercases a word and drops its diacritics, like Go's fold.
const fold = w => w.toLowerCase().replace(/ς/g, 'σ').normalize('NFD')
  .replace(/[\u0300-\u036f]/g, '').normalize('NFC');
const cap = t => { const a = [...t]; return a.length > MAX ? a.slice(0, MAX).join('') : t; };

// terms is search.Terms: the normalised words of s, in order.
function terms(s) {
  const out = [];
  for (const w of s.split(SPLIT)) if (w) for (const t of fold(w).match(RUN) || []) out.push(cap(t));
  return out;
}

// parse gives a query's distinct terms, and as pre the last one when it
// is to match as a prefix (the reader is still typing it).
function parse(q) {
  const ts = terms(q), last = ts[ts.length - 1] || '';
  return { words: [...new Set(ts)], pre: END.test(q) && [...last].length > 1 ? last : '' };
}

// decode reads one list of document numbers: gaps or a "~" bitmap.
function decode(s) {
  const out = [];
  let v = 0, d = -1, c;
  if (s[0] == '~') {
    for (let i = 1; i < s.length; i++) {
      c = VAL[s.charCodeAt(i)];
      for (let k = 0; k < 6; k++) if (c >> k & 1) out.push((i - 1) * 6 + k);
    }
  } else for (let i = 0; i < s.length; i++) {
    c = VAL[s.charCodeAt(i)];
    v = v * 32 + (c & 31);
    if (c < 32) { d += v + 1; out.push(d); v = 0; }
  }
  return out;
}

// shardOf is the shard of t's longest prefix in keys (key → shard), or -1.
function shardOf(keys, t) {
  for (let l = t.length; l >= 0; l--) {
    const i = keys.get(t.slice(0, l));
    if (i !== undefined) return i;
  }
  return -1;
}

// plan picks the shards query p needs. A prefix whose shards not loaded
// yet add up to over budget KiB matches exactly instead.
function plan(meta, keys, p, loaded, budget) {
  let wide = [];
  if (p.pre) {
    wide = meta.keys.flatMap((k, i) => k.length > p.pre.length && k.startsWith(p.pre) ? [i] : []);
    if (wide.reduce((n, i) => n + (loaded[i] ? 0 : meta.kb[i]), 0) > budget) p.pre = '', wide = [];
    else wide.push(shardOf(keys, p.pre));
  }
  return { wide, need: [...new Set(p.words.map(w => shardOf(keys, w)).concat(wide))].filter(i => i >= 0) };
}

// gather gives, for each word, its postings and those of the longer terms
// it is a prefix of, as [value, exact] pairs.
function gather(p, keys, wide, shards) {
  return p.words.map(w => {
    const s = shards[shardOf(keys, w)], l = s && s.has(w) ? [[s.get(w), 1]] : [];
    if (w == p.pre) for (const i of wide) if (shards[i]) for (const [k, v] of shards[i]) {
      if (k != w && k.startsWith(w)) l.push([v, 0]);
    }
    return l;
  });
}

// rank gives [doc, score, tier] for the documents matching every word,
// best first, newer first on ties; tier 1: some word is only in the body.
function rank(lists, n) {
  const ws = lists.map(l => {
    const m = new Uint8Array(n), docs = [];
    for (const [val, exact] of l) val.split('.').forEach((s, t) => {
      const x = 2 * t + 2 + exact;
      for (const d of decode(s)) {
        if (!m[d]) docs.push(d);
        if (m[d] < x) m[d] = x;
      }
    });
    return [m, docs];
  }).sort((a, b) => a[1].length - b[1].length);
  const out = [];
  if (ws.length) for (const d of ws[0][1]) {
    let sum = 0, low = 99, i = 0;
    for (; i < ws.length && ws[i][0][d]; i++) sum += ws[i][0][d], low = Math.min(low, ws[i][0][d]);
    if (i == ws.length) out.push([d, sum, low >> 1]);
  }
  return out.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
}

// marks gives the [start, end) ranges of text that match the query.
function marks(text, words, pre) {
  const r = [];
  for (const m of text.matchAll(WORD)) for (const n of m[0].matchAll(RUN)) {
    const t = cap(fold(n[0])), at = m.index + n.index;
    if (t && (words.includes(t) || pre && t.startsWith(pre))) r.push([at, at + n[0].length]);
  }
  return r;
}

// excerpt cuts text to about max characters around the first range.
function excerpt(text, r, max) {
  if (text.length <= max) return [text, r];
  const hit = r.length ? r[0][0] : 0;
  let a = Math.max(0, hit - 60), b;
  if (a) a = Math.min(hit, text.indexOf(' ', a) + 1 || hit);
  b = a + max;
  if (b < text.length) b = Math.max(text.lastIndexOf(' ', b), r.length ? r[0][1] : a + 1);
  else b = text.length;
  const off = a ? 1 : 0;
  return [(a ? '…' : '') + (b < text.length ? text.slice(a, b).replace(/[\s,;:]+$/, '') + '…' : text.slice(a)),
    r.filter(x => x[0] >= a && x[1] <= b).map(x => [x[0] - a + off, x[1] - a + off])];
}

if (typeof document == 'undefined') {
  module.exports = { terms, parse, decode, shardOf, plan, gather, rank, marks, excerpt };
  return;
}

// The page: see layouts/search.html.
const $ = id => document.getElementById('search-' + id), form = $('form'), input = $('q'),
  status = $('status'), list = $('results'), more = $('more'), sort = $('sort');
if (!form) return;
// The page's words, in its language (search.html).
const words = JSON.parse(($('words') || {}).textContent || 0) ||
  { results: {}, none: '', failed: '', tags: '' }, rules = new Intl.PluralRules(document.documentElement.lang);
const base = new URL('search/', document.currentScript.src).href, title = document.title,
  PAGE = 10, BUDGET = 200, cache = new Map(), shards = [];
let meta, keys, seq = 0, timer, found = [], shown = 0, q = { words: [], pre: '' }, said = '';

function get(path) {
  let p = cache.get(path);
  if (!p) {
    p = fetch(base + path + (meta ? '?v=' + meta.v : ''), { cache: meta ? 'default' : 'no-cache' })
      .then(r => { if (!r.ok) throw Error(r.status); return r.json(); });
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p;
}
const load = () => get('meta.json').then(m => { meta = m; keys = new Map(m.keys.map((k, i) => [k, i])); });
let ready = load();
async function search(text) {
  const my = ++seq, p = parse(text);
  if (!p.words.length) {
    found = [];
    list.replaceChildren();
    more.hidden = true;
    return say('');
  }
  try {
    await (ready = ready.catch(load)); // a failed load is tried again
    const { need, wide } = plan(meta, keys, p, shards, BUDGET);
    await Promise.all(need.map(i => shards[i] ||
      get(`t/${i}.json`).then(o => { shards[i] = new Map(Object.entries(o)); })));
    if (my != seq) return;
    found = rank(gather(p, keys, wide, shards), meta.docs);
    if (sort && sort.value) found.sort((a, b) => b[0] - a[0]); // numbered oldest first
    q = p, shown = 0;
    await show(my, text.trim());
  } catch (e) {
    if (my == seq) say(words.failed);
  }
}

// show adds the next page of results.
async function show(my, text) {
  const part = found.slice(shown, shown + PAGE), at = (d, n) => [Math.floor(d / n), d % n];
  const rows = await Promise.all(part.map(async ([d, , tier]) => {
    const [c, i] = at(d, meta.dchunk), [bc, bi] = at(d, meta.bchunk);
    return [(await get(`d/${c}.json`))[i], tier == 1 ? (await get(`b/${bc}.json`))[bi] : ''];
  }));
  if (my != seq) return;
  const f = document.createDocumentFragment();
  for (const [doc, body] of rows) f.append(item(doc, body));
  if (shown) list.append(f); else list.replaceChildren(f);
  shown += part.length;
  more.hidden = shown >= found.length;
  if (text !== undefined) {
    const n = found.length;
    const f = words.results;
    say((n ? f[rules.select(n)] || f.other || '{count}' : words.none).replace('{count}', n).replace('{query}', text));
  }
}

const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  e.append(...kids);
  return e;
};

// marked is text with the query's words in <mark>, made of text nodes:
// nothing from the index is ever parsed as HTML.
function marked(text, r) {
  const f = document.createDocumentFragment();
  let at = 0;
  for (const [a, b] of r || marks(text, q.words, q.pre)) {
    f.append(text.slice(at, a), el('mark', {}, text.slice(a, b)));
    at = b;
  }
  f.append(text.slice(at));
  return f;
}

function item([title, url, iso, date, source, summary, tags], body) {
  const text = body || summary, ul = el('ul', { class: 'tags', 'aria-label': words.tags }),
    li = el('li', { class: 'card' }, el('h2', { class: 'card-title' }, el('a', { href: url }, marked(title))),
      el('p', { class: 'meta' }, ...source ? [marked(source), el('span', { class: 'sep', 'aria-hidden': 'true' }, ' · ')] : [],
        el('time', { datetime: iso }, date)));
  if (text) li.append(el('p', { class: 'summary' }, marked(...excerpt(text, marks(text, q.words, q.pre), 280))));
  for (let i = 0; i < tags.length; i += 2) ul.append(el('li', {}, el('a', { href: tags[i + 1], rel: 'tag' }, marked(tags[i]))));
  if (tags.length) li.append(ul);
  return li;
}

function say(text) {
  if (text != said) status.textContent = said = text;
}

function go() {
  clearTimeout(timer);
  const text = input.value, t = text.trim();
  history.replaceState(null, '', t ? '?' + new URLSearchParams(new FormData(form)) : location.pathname);
  document.title = t ? `${t} — ${title}` : title;
  search(text);
}

input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(go, 100); });
form.addEventListener('submit', e => { e.preventDefault(); go(); });
form.onchange = go; // the sort order
more.addEventListener('click', async () => {
  const first = shown;
  await show(seq);
  const a = list.children[first] && list.children[first].querySelector('a');
  if (a) a.focus();
});
const u = new URLSearchParams(location.search), start = u.get('q');
if (sort) sort.value = u.get('sort') == 'date' ? 'date' : '';
if (start) {
  input.value = start;
  go();
}
})();
